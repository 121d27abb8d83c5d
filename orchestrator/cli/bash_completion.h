// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The bash completion of chunkreel, printed from the option table at build
// time by chunkreel-docs: the commands, each command's own options, the
// choices of an option that has them, and files or folders where a value
// or an argument is one.

#include <string>

namespace chunkreel {

std::string bash_completion();

}  // namespace chunkreel
