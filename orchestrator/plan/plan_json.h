// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A RenderPlan as JSON, whole: what `chunkreel plan --json` prints and what
// the plan record (session/plan_record.h) keeps, so that nothing after
// planning has to plan again. Reading gives back the same plan, field for
// field (doubles round-trip exactly).

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "orchestrator/plan/render_plan.h"

namespace chunkreel {

nlohmann::json machine_to_json(const Machine& machine);
Machine machine_from_json(const nlohmann::json& value);

nlohmann::json render_plan_to_json(const RenderPlan& plan);
/// Throws nlohmann::json::exception on a missing or mistyped field.
RenderPlan render_plan_from_json(const nlohmann::json& value);

}  // namespace chunkreel
