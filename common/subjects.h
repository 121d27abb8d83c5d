// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a photo shows that framing keeps in view: the faces found in it, or,
// where there is none, the region that stands out from the rest; and what
// a slide's "focus" says instead. Boxes are in normalised coordinates of
// the upright image (after its EXIF or container orientation): x and y of
// the top-left corner, width and height, each in [0, 1].

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace chunkreel {

struct Box {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
  bool operator==(const Box&) const = default;
};

struct Subjects {
  std::vector<Box> faces;      ///< largest first
  std::optional<Box> salient;  ///< only where no face was found
  bool empty() const { return faces.empty() && !salient; }
  bool operator==(const Subjects&) const = default;
};

/// A slide's "focus". `k_found`: the subjects chunkreel finds (the default);
/// `k_none`: none, the framing of a photo without subjects; `k_point` and
/// `k_box`: the user's point (a box of no size) or box, in place of
/// whatever would be found.
struct Focus {
  enum class Kind { k_found, k_none, k_point, k_box };
  Kind kind = Kind::k_found;
  Box box;
  bool operator==(const Focus&) const = default;
};

/// The region the subjects cover: the box around all the faces, or the
/// salient region; none when nothing was found.
std::optional<Box> found_region(const Subjects& subjects);

nlohmann::json box_to_json(const Box& box);
/// Throws nlohmann::json's exceptions on a value that is not four numbers.
Box box_from_json(const nlohmann::json& value);
nlohmann::json subjects_to_json(const Subjects& subjects);
Subjects subjects_from_json(const nlohmann::json& value);

}  // namespace chunkreel
