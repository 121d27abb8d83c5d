// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `chunkreel render`, `plan`, `init` and `join`. Each returns the exit code;
// fatal problems are thrown as Fatal and caught in main.

#include "orchestrator/cli/command_line.h"

namespace chunkreel {

/// Validate, plan, run the workers (audio alongside), join, report. With
/// --detach on a farm: validate, plan, submit, and return.
int run_render(const RenderConfig& config);

/// Prints the plan, and why, without rendering (`--json`: as data); for a
/// farm, the sbatch lines it would run.
int run_plan(const Command& command);

/// Writes the project a folder render would use.
int run_init(const RenderConfig& config);

/// Finishes a detached farm render from its work folder (`config.project.path`):
/// joins when every chunk is there, resubmits the missing ones with a new
/// join while --retries allow, and otherwise fails naming them.
int run_join(const RenderConfig& config);

}  // namespace chunkreel
