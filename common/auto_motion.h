// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// "motion": "auto": a varied, gentle pan and zoom chosen from the slide's
// index and image alone, so the same project always renders the same video.

#include <string>

#include "common/timeline.h"

namespace chunkreel {

/// Even slides zoom in and odd slides zoom out; the zoom amount and the pan
/// direction come from a hash of the index and the image's name and size.
Motion auto_motion(int slide_index, const std::string& image_path, int image_width,
                   int image_height);

}  // namespace chunkreel
