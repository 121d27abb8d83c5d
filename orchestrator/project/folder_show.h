// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A show made straight from a folder of photos: the images in natural name
// order (photo2 before photo10), auto motion, one transition throughout and
// optional looping music with gentle fades. Optionally a caption under each
// photo (its file name, or the date it was taken) and a title card first.

#include <string>

#include "common/error.h"
#include "common/timeline.h"

namespace chunkreel {

/// What a folder show writes under each photo.
enum class FolderCaptions { k_none, k_name, k_date };

/// "none", "name", "date".
const char* to_string(FolderCaptions captions);
bool parse_folder_captions(const std::string& text, FolderCaptions* out);

struct FolderOptions {
  std::string music;              ///< empty: silent
  double seconds_per_slide = 5.0;
  TransitionType transition = TransitionType::k_crossfade;
  int width = 1920;
  int height = 1080;
  Rational fps{30, 1};
  FolderCaptions captions = FolderCaptions::k_none;
  std::string title;  ///< non-empty: a title card first
};

Expected<Timeline> timeline_from_folder(const std::string& folder, const FolderOptions& options);

/// "2024-08-12" -> "12 August 2024"; empty when not such a date.
std::string long_date(const std::string& iso_date);

/// "a2.jpg" < "a10.jpg": runs of digits compare by value.
bool natural_less(const std::string& a, const std::string& b);

/// The timeline as a project file with paths relative to `project_folder`.
std::string timeline_as_project(Timeline timeline, const std::string& project_folder);

}  // namespace chunkreel
