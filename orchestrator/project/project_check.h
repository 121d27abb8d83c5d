#pragma once
// Everything checked before any worker starts: the timeline (already parsed
// and validated field by field), every image probed from its header (once
// per distinct file), every audio file opened and decoded a little, and the
// show long enough to have a frame. Auto motion is resolved here, from the
// probed sizes, so jobs carry explicit motion.

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/image_probe.h"
#include "common/show_timing.h"
#include "common/timeline.h"

namespace chunkreel {

struct CheckOptions {
  int64_t max_pixels = 100'000'000;  ///< images above this are refused from the header
};

struct Project {
  Timeline timeline;
  ShowTiming timing;
  std::vector<ImageInfo> images;  ///< one per slide
  /// What the render goes ahead despite, one line each: a colour profile
  /// that cannot be used (the photo is shown as sRGB).
  std::vector<std::string> warnings;
};

Expected<Project> check_project(Timeline timeline, const CheckOptions& options);

}  // namespace chunkreel
