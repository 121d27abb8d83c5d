// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reading and validating a project file (timeline format version 1).
//
// Every field is checked: types, ranges, names, unknown keys, and that each
// slide's incoming and outgoing transitions fit inside it. Messages name the
// file and the field path, e.g. "show.json: slides[3].transition.duration:
// must be at least 0". Images and audio files are not opened here; see
// project_check for that.

#include <string>

#include "common/error.h"
#include "common/timeline.h"

namespace chunkreel {

/// Reads and validates `path`. Relative media paths resolve against its folder.
Expected<Timeline> load_timeline(const std::string& path);

/// Parses `text` as if it were the file `path` (used for messages and for
/// resolving relative paths).
Expected<Timeline> parse_timeline(const std::string& text, const std::string& path);

/// The checks of slide times that need every duration: captions inside
/// their slides, transitions inside the slides they join. parse_timeline()
/// makes them for every slide whose duration it knows; project_check makes
/// them again once clips are probed.
Expected<void> check_slide_times(const Timeline& timeline);

/// Serialises a timeline back to version-1 JSON with every field explicit.
std::string timeline_to_json(const Timeline& timeline);

}  // namespace chunkreel
