// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `chunkreel --help` and `chunkreel COMMAND --help`, printed from the
// option table, wrapped to 80 columns.

#include <string>

#include "orchestrator/cli/option_table.h"

namespace chunkreel {

/// Every command and every option, each option with the commands it
/// belongs to when that is not all of them; then the exit codes.
std::string general_help();

/// One command: its forms, what it does, and only its own options.
std::string command_help(CommandKind kind);

/// "-o, --output FILE", "--workers N": how help and the man page name an option.
std::string option_label(const OptionSpec& option);

}  // namespace chunkreel
