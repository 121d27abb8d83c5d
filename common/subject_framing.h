// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Framing a photo by what it shows. The faces (with a margin of half a face
// around each), or else the salient region, or the slide's own focus, give
// the region the view keeps. Faces are taken largest first while together
// they fit the zoom-1 view; the rest are let go. Then:
//
// - a still `cover` slide centres its crop on that region;
// - `"motion": "auto"` moves between a wide view (zoom 1, shifted from the
//   region's centre as far as today's auto motion pans, while the region
//   stays in view) and a close view on the region, zoomed as today's auto
//   motion zooms but never so far that the region leaves the window. Even
//   slides zoom in, odd ones out, as before. Where the region fills the
//   zoom-1 view there is no room to zoom; the view pans along it instead,
//   as far as it can while keeping the region in view.
//
// Every frame's window (sampled along the eased path) is checked to hold the
// faces kept; a motion that would cut one zooms less until none is cut.
// Photos with nothing to steer by keep the framing they always had.

#include <optional>
#include <string>

#include "common/subjects.h"
#include "common/timeline.h"

namespace chunkreel {

struct FramingRequest {
  int slide_index = 0;
  std::string image_path;  ///< its name seeds the motion's variety
  int image_width = 0;     ///< upright
  int image_height = 0;
  Fit fit = Fit::k_cover;
  int output_width = 0;
  int output_height = 0;
  bool auto_motion = false;
  Motion motion;  ///< the slide's motion when it is not automatic
};

/// Whether framing can change this slide at all: automatic motion, or a
/// still `cover` view at the default centre. (A slide whose motion the user
/// wrote keeps it.)
bool framing_applies(const FramingRequest& request);

/// The slide's motion framed by `subjects` or `focus`; none when nothing
/// steers it (focus "none", nothing found, or framing does not apply), and
/// the slide keeps its motion.
std::optional<Motion> framed_motion(const FramingRequest& request, const Subjects& subjects, const Focus& focus);

}  // namespace chunkreel
