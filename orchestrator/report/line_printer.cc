// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/report/line_printer.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace chunkreel {

LinePrinter::LinePrinter() {
  const char* term = std::getenv("TERM");
  m_smart = ::isatty(STDOUT_FILENO) && term && std::string(term) != "dumb";
}

std::string elide_to_width(const std::string& line, size_t width) {
  if (width < 4 || line.size() <= width) return line;
  return line.substr(0, width - 3) + "...";
}

void LinePrinter::print_status(const std::string& line) {
  if (!m_smart) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    return;
  }
  winsize size{};
  size_t width = 80;
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) width = size.ws_col;
  // Return to column 0, print, erase the rest of the old line.
  std::printf("\r%s\x1b[K", elide_to_width(line, width - 1).c_str());
  std::fflush(stdout);
  m_have_status = true;
}

void LinePrinter::print_line(const std::string& line) {
  finish();
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void LinePrinter::finish() {
  if (m_smart && m_have_status) {
    std::printf("\n");
    std::fflush(stdout);
  }
  m_have_status = false;
}

}  // namespace chunkreel
