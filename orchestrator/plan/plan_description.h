// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The plan told to people (`chunkreel plan`) and as data (`--json`).

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "orchestrator/plan/render_plan.h"

namespace chunkreel {

std::string describe_plan(const Project& project, const RenderPlan& plan);
/// The plan as data, without its slides (print_plan_json() adds them).
nlohmann::json plan_json(const Project& project, const RenderPlan& plan);

/// Slide `i`'s framing: the subjects found (pixel boxes [x, y, width,
/// height] in the upright photo) and the view windows its motion starts and
/// ends at (`from`, `to`).
nlohmann::json slide_framing_json(const Project& project, size_t i);
/// Every slide's, as an array.
nlohmann::json framing_json(const Project& project);

/// `chunkreel plan --json`: plan_json() with "slides" (each slide's
/// framing), written one slide at a time, so a show of tens of thousands of
/// slides never holds them all as JSON at once.
void print_plan_json(std::FILE* out, const Project& project, const RenderPlan& plan);

}  // namespace chunkreel
