// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A show made straight from a folder of photos and videos: the files in
// natural name order (photo2 before photo10), photos with auto motion,
// videos whole (up to a length) with their sound, one transition throughout
// and optional looping music with gentle fades, ducked under the videos'
// sound. Optionally a caption under each slide (its file name, or the date
// it was taken) and a title card first.
//
// A Live Photo is a photo and a short video of the same name (IMG_1234.HEIC
// and IMG_1234.MOV): the photo shows, or with LivePhotos::k_video the
// motion plays instead.

#include <string>

#include "common/error.h"
#include "common/timeline.h"

namespace chunkreel {

/// What a folder show writes under each photo.
enum class FolderCaptions { k_none, k_name, k_date };

/// "none", "name", "date".
const char* to_string(FolderCaptions captions);
bool parse_folder_captions(const std::string& text, FolderCaptions* out);

/// Which half of a Live Photo a folder show uses.
enum class LivePhotos { k_photo, k_video };
const char* to_string(LivePhotos live);
bool parse_live_photos(const std::string& text, LivePhotos* out);

/// A video at most this long beside a photo of the same name is the
/// photo's Live Photo motion.
constexpr double k_live_photo_max_seconds = 4.0;

struct FolderOptions {
  /// Played in this order, one after another with 2 s crossfades, the
  /// list looped; none: silent.
  std::vector<std::string> music;
  double seconds_per_slide = 5.0;
  TransitionType transition = TransitionType::k_crossfade;
  int width = 1920;
  int height = 1080;
  Rational fps{30, 1};
  FolderCaptions captions = FolderCaptions::k_none;
  std::string title;  ///< non-empty: a title card first
  double max_clip_seconds = 30;  ///< a longer video plays its first this many seconds
  LivePhotos live_photos = LivePhotos::k_photo;
  /// "--focus none": framing looks for no faces or subjects.
  bool find_subjects = true;
  /// "--loudness": the soundtrack's target, LUFS; none ("off"): as it is.
  std::optional<double> loudness = -16.0;
  /// "--sync beats": photo changes move onto the music's beats.
  bool sync_beats = false;
};

Expected<Timeline> timeline_from_folder(const std::string& folder, const FolderOptions& options);

/// "2024-08-12" -> "12 August 2024"; empty when not such a date.
std::string long_date(const std::string& iso_date);

/// "a2.jpg" < "a10.jpg": runs of digits compare by value.
bool natural_less(const std::string& a, const std::string& b);

/// The timeline as a project file with paths relative to `project_folder`.
std::string timeline_as_project(Timeline timeline, const std::string& project_folder);

}  // namespace chunkreel
