// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A view point of a motion ({"zoom": z, "center": [x, y]}) as JSON, read and
// written in one place for project files and chunk jobs alike.

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/timeline.h"

namespace chunkreel {

nlohmann::json viewpoint_to_json(const ViewPoint& v);

/// Reads a view point; missing fields keep `fallback`'s. Zoom must be in
/// (0, 64] and the centre inside [0, 1] x [0, 1]; errors name the field.
ViewPoint read_viewpoint(FieldReader reader, ViewPoint fallback);

}  // namespace chunkreel
