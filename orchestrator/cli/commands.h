#pragma once
// `chunkreel render`, `plan` and `init`. Each returns the exit code; fatal
// problems are thrown as Fatal and caught in main.

#include "orchestrator/cli/command_line.h"

namespace chunkreel {

/// Validate, plan, run the workers (audio alongside), join, report.
int run_render(const RenderConfig& config);

/// Prints the plan, and why, without rendering (`--json`: as data).
int run_plan(const Command& command);

/// Writes the project a folder render would use.
int run_init(const RenderConfig& config);

}  // namespace chunkreel
