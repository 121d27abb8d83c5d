// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// chunkreel(1), in roff, printed from the option table at build time by
// chunkreel-docs, so the man page lists exactly what --help lists.

#include <string>

namespace chunkreel {

/// `data_dir`: where the package puts chunkreel's shared files
/// (/usr/share/chunkreel), named under FILES.
std::string man_page(const std::string& data_dir);

}  // namespace chunkreel
