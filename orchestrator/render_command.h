#pragma once
// `chunkreel render`: validate, plan, run the workers (audio alongside),
// join, report. Returns the exit code; fatal problems are thrown as Fatal.

#include <string>

#include "orchestrator/cli.h"
#include "orchestrator/project_check.h"

namespace chunkreel {

int run_render(const RenderOptions& options);

/// The content key of the show `options` names (validating it; Fatal if invalid).
std::string project_key(const RenderOptions& options);

/// `chunkreel plan`: prints the plan without rendering.
int run_plan(const RenderOptions& options);

/// `chunkreel init`: writes the project a folder render would use.
int run_init(const RenderOptions& options);

}  // namespace chunkreel
