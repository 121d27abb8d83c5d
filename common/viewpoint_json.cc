// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/viewpoint_json.h"

namespace chunkreel {

namespace {

// Below 0.1 the window is ten times the fitted one, and each output pixel
// would filter ever more source samples for a picture too small to see.
constexpr double k_min_zoom = 0.1;
constexpr double k_max_zoom = 64;

}  // namespace

using nlohmann::json;

json viewpoint_to_json(const ViewPoint& v) {
  return {{"zoom", v.zoom}, {"center", {v.center_x, v.center_y}}};
}

ViewPoint read_viewpoint(FieldReader reader, ViewPoint fallback) {
  ViewPoint v = fallback;
  if (auto zoom = reader.number("zoom")) {
    if (!(*zoom >= k_min_zoom && *zoom <= k_max_zoom)) reader.fail("zoom", "must be from 0.1 to 64");
    v.zoom = *zoom;
  }
  if (const json* center = reader.raw("center")) {
    if (!center->is_array() || center->size() != 2 || !(*center)[0].is_number() ||
        !(*center)[1].is_number())
      reader.fail("center", "must be an array of two numbers [x, y]");
    v.center_x = (*center)[0].get<double>();
    v.center_y = (*center)[1].get<double>();
    if (!(v.center_x >= 0 && v.center_x <= 1 && v.center_y >= 0 && v.center_y <= 1))
      reader.fail("center", "must lie inside [0, 1] x [0, 1]");
  }
  reader.finish();
  return v;
}

}  // namespace chunkreel
