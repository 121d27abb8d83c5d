// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The plan told to people (`chunkreel plan`) and as data (`--json`).

#include <string>

#include <nlohmann/json.hpp>

#include "orchestrator/plan/render_plan.h"

namespace chunkreel {

std::string describe_plan(const Project& project, const RenderPlan& plan);
nlohmann::json plan_json(const Project& project, const RenderPlan& plan);

}  // namespace chunkreel
