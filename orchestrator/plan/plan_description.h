// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The plan told to people (`chunkreel plan`) and as data (`--json`).

#include <string>

#include <nlohmann/json.hpp>

#include "orchestrator/plan/render_plan.h"

namespace chunkreel {

std::string describe_plan(const Project& project, const RenderPlan& plan);
nlohmann::json plan_json(const Project& project, const RenderPlan& plan);

/// Each slide's framing: the subjects found (pixel boxes [x, y, width,
/// height] in the upright photo) and the view windows its motion starts and
/// ends at (`from`, `to`).
nlohmann::json framing_json(const Project& project);

}  // namespace chunkreel
