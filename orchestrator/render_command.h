#pragma once
// `chunkreel render`: validate, plan, run the workers (audio alongside),
// join, report. Returns the exit code; fatal problems are thrown as Fatal.

#include "orchestrator/cli.h"

namespace chunkreel {

int run_render(const RenderOptions& options);

}  // namespace chunkreel
