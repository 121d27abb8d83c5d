#pragma once
// A show made straight from a folder of photos: the images in natural name
// order (photo2 before photo10), auto motion, one transition throughout and
// optional looping music with gentle fades.

#include <string>

#include "common/error.h"
#include "common/timeline.h"

namespace chunkreel {

struct FolderOptions {
  std::string music;              ///< empty: silent
  double seconds_per_slide = 5.0;
  TransitionType transition = TransitionType::k_crossfade;
  int width = 1920;
  int height = 1080;
  Rational fps{30, 1};
};

Expected<Timeline> timeline_from_folder(const std::string& folder, const FolderOptions& options);

/// "a2.jpg" < "a10.jpg": runs of digits compare by value.
bool natural_less(const std::string& a, const std::string& b);

/// The timeline as a project file with paths relative to `project_folder`.
std::string timeline_as_project(Timeline timeline, const std::string& project_folder);

}  // namespace chunkreel
