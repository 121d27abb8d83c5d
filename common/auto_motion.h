// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// "motion": "auto": a varied, gentle pan and zoom chosen from the slide's
// index and image alone, so the same project always renders the same video.

#include <string>

#include "common/timeline.h"

namespace chunkreel {

/// What auto motion draws from a hash of the slide's index and the image's
/// name and size.
struct AutoMotionDraw {
  double zoom = 1;   ///< of the close view: 1.12 .. 1.24
  double angle = 0;  ///< of the pan, radians
  double reach = 0;  ///< the share of the room to pan used: 0.5 .. 0.9
};

AutoMotionDraw auto_motion_draw(int slide_index, const std::string& image_path, int image_width,
                                int image_height);

/// Even slides zoom in and odd slides zoom out; the zoom amount and the pan
/// direction come from auto_motion_draw().
Motion auto_motion(int slide_index, const std::string& image_path, int image_width,
                   int image_height);

}  // namespace chunkreel
