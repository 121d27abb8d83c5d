// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/subjects.h"

#include <algorithm>

namespace chunkreel {

using nlohmann::json;

std::optional<Box> found_region(const Subjects& subjects) {
  if (subjects.faces.empty()) return subjects.salient;
  double left = 1, top = 1, right = 0, bottom = 0;
  for (const Box& face : subjects.faces) {
    left = std::min(left, face.x);
    top = std::min(top, face.y);
    right = std::max(right, face.right());
    bottom = std::max(bottom, face.bottom());
  }
  return Box{left, top, right - left, bottom - top};
}

json box_to_json(const Box& box) { return json::array({box.x, box.y, box.width, box.height}); }

Box box_from_json(const json& value) {
  if (!value.is_array() || value.size() != 4) throw json::type_error::create(302, "a box is [x, y, width, height]", &value);
  return Box{value[0].get<double>(), value[1].get<double>(), value[2].get<double>(), value[3].get<double>()};
}

json subjects_to_json(const Subjects& subjects) {
  json faces = json::array();
  for (const Box& face : subjects.faces) faces.push_back(box_to_json(face));
  return {{"faces", faces}, {"salient", subjects.salient ? box_to_json(*subjects.salient) : json(nullptr)}};
}

Subjects subjects_from_json(const json& value) {
  Subjects subjects;
  for (const json& face : value.at("faces")) subjects.faces.push_back(box_from_json(face));
  if (!value.at("salient").is_null()) subjects.salient = box_from_json(value.at("salient"));
  return subjects;
}

}  // namespace chunkreel
