#pragma once
// `chunkreel render`: validate, plan, run the workers (audio alongside),
// join, report. Returns the exit code; fatal problems are thrown as Fatal.

#include "orchestrator/cli.h"

namespace chunkreel {

int run_render(const RenderOptions& options);

/// `chunkreel plan`: prints the plan without rendering.
int run_plan(const RenderOptions& options);

/// `chunkreel init`: writes the project a folder render would use.
int run_init(const RenderOptions& options);

}  // namespace chunkreel
