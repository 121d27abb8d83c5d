// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `chunkreel --version`: chunkreel's version, then the run-time versions of
// the libraries that decide the output's bits. A farm's nodes must agree on
// all of them for chunks to join into one stream (the content key holds the
// encoder's and scaler's), and a bug report needs them.

#include <string>

namespace chunkreel {

/// "chunkreel 0.3.0\n" then one "  library  version" line each.
std::string version_text();

}  // namespace chunkreel
