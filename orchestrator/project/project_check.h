// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Everything checked before any worker starts: the timeline (already parsed
// and validated field by field), every image probed from its header (once
// per distinct file), every music track decoded whole (its length, its
// beats where slides follow them, and the slides moved onto them), and the
// show long enough to have a frame. Auto motion is resolved here, from the
// probed sizes, so jobs carry explicit motion. Captions are laid out here
// (fonts matched, text shaped, placement checked against the frame), so a
// font that does not exist or a caption that does not fit is refused before
// any work, and every chunk gets the same glyphs.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clip_probe.h"
#include "common/error.h"
#include "common/image_probe.h"
#include "common/show_timing.h"
#include "common/subjects.h"
#include "common/timeline.h"
#include "orchestrator/project/beat_sync.h"

namespace chunkreel {

struct CheckOptions {
  int64_t max_pixels = 100'000'000;  ///< images above this are refused from the header
};

/// How a show's photos were searched for subjects (orchestrator/subjects).
struct SubjectSearchSummary {
  int photos = 0;      ///< distinct photos whose framing subjects could steer
  int found = 0;       ///< of them, looked at now
  int from_cache = 0;  ///< of them, answered by the cache
  double seconds = 0;
};

struct Project {
  Timeline timeline;
  ShowTiming timing;
  /// One per slide: a photo's probe; a title card's is the frame's size, a
  /// clip's its display size (with nothing to decode: see `clips`).
  std::vector<ImageInfo> images;
  /// One per slide (or empty, for a project with no clips built by hand):
  /// a clip's probe, none for a photo or a card.
  std::vector<std::optional<ClipInfo>> clips;
  /// One per slide (or empty, for a project built by hand): what its photo
  /// shows, as found before planning (empty where nothing was looked for).
  std::vector<Subjects> subjects;
  /// A small grey JPEG of each photo searched, by its path, for the HTML
  /// report (one per file, however many slides show it). Not recorded: a
  /// resumed render's report draws its boxes on a plain ground.
  std::map<std::string, std::string> thumbnails;
  SubjectSearchSummary subject_search;
  /// One per music track: its length in seconds as it decodes, which
  /// places a playlist's tracks (orchestrator/audio/track_schedule.h).
  std::vector<double> track_lengths;
  /// The beats the slides were moved onto; none without "timing".
  std::optional<ShowBeats> beats;
  /// One per slide (or empty, for a project with no captions built by
  /// hand): its caption laid out for the output frame.
  std::vector<std::optional<LaidOutCaption>> captions;
  /// What the render goes ahead despite, one line each: a colour profile
  /// that cannot be used (the photo is shown as sRGB).
  std::vector<std::string> warnings;
};

/// Slide `slide`'s clip, or null when it shows no clip.
inline const ClipInfo* clip_of(const Project& project, size_t slide) {
  return slide < project.clips.size() && project.clips[slide] ? &*project.clips[slide] : nullptr;
}

/// Where clip slide `slide` of a checked show stops, in clip seconds: its
/// `out`, or the clip's end.
inline double clip_end(const Slide& slide, const ClipInfo& clip) {
  return slide.clip->out ? std::min(*slide.clip->out, clip.duration) : clip.duration;
}

Expected<Project> check_project(Timeline timeline, const CheckOptions& options);

}  // namespace chunkreel
