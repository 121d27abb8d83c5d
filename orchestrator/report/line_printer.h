// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Owns the terminal (ninja's LinePrinter). On a terminal, status lines
// overwrite each other in place and are cut to the terminal's width; in a
// log, every status line is a plain line of its own.

#include <string>

namespace chunkreel {

class LinePrinter {
 public:
  LinePrinter();
  bool smart_terminal() const { return m_smart; }
  /// A status line: redrawn in place on a terminal, printed whole otherwise.
  void print_status(const std::string& line);
  /// A permanent line (a warning, the summary); ends any status line first.
  void print_line(const std::string& line);
  /// Ends the status line, if one is showing.
  void finish();

 private:
  bool m_smart = false;
  bool m_have_status = false;
};

/// Cuts `line` to `width` columns, marking the cut with "...".
std::string elide_to_width(const std::string& line, size_t width);

}  // namespace chunkreel
