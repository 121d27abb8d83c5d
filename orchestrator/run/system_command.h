// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Running one of the engine's own commands (sbatch, squeue, scancel, sinfo)
// and reading what it printed.

#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

struct CommandOutput {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs `argv` (argv[0] is looked up on PATH), with the environment as it is,
/// and waits for it. Fails only when it cannot be started.
Expected<CommandOutput> run_system_command(const std::vector<std::string>& argv);

/// `argv` as one line a person could paste into a shell.
std::string shell_line(const std::vector<std::string>& argv);

}  // namespace chunkreel
