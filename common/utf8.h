// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// File names are bytes; chunkreel's records (the plan, the report, a
// project written by init) are JSON text, which holds only UTF-8. A name
// that is not UTF-8 is found up front, and shown with its odd bytes escaped.

#include <string>

namespace chunkreel {

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_utf8(const std::string& text);

/// `text` with every byte that is not part of well-formed UTF-8 written as
/// "\xE9", for messages.
std::string escape_non_utf8(const std::string& text);

}  // namespace chunkreel
