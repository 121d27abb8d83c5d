// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A checked Project as JSON, whole, for the plan record: the timeline with
// every motion explicit (auto motion as it was resolved), each slide's
// probed image, its laid-out caption and the warnings. Reading it back
// opens no image, audio file or font: it is the show as validated.

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "orchestrator/project/project_check.h"

namespace chunkreel {

nlohmann::json project_to_json(const Project& project);

/// The project `value` holds; errors name the field.
Expected<Project> project_from_json(const nlohmann::json& value);

}  // namespace chunkreel
