// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The timeline model: what a project file says, after defaults are applied
// and paths are made absolute. Plain data; parsing lives in timeline_json,
// time arithmetic in show_timing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/caption.h"
#include "common/rational.h"
#include "common/subjects.h"

namespace chunkreel {

enum class Fit { k_cover, k_contain, k_contain_blur };

enum class TransitionType {
  k_cut,
  k_crossfade,
  k_fade_black,
  k_wipe_left,
  k_wipe_right,
  k_wipe_up,
  k_wipe_down,
  k_slide_left,
  k_slide_right,
};

enum class Easing { k_linear, k_ease_in, k_ease_out, k_ease_in_out };

struct Colour {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Colour&) const = default;
};

/// A view window: `zoom` relative to the fitted window, `center` in
/// normalised image coordinates.
struct ViewPoint {
  double zoom = 1.0;
  double center_x = 0.5;
  double center_y = 0.5;
  bool operator==(const ViewPoint&) const = default;
};

struct Motion {
  ViewPoint from;
  ViewPoint to;
  Easing easing = Easing::k_linear;
  bool operator==(const Motion&) const = default;
};

struct Transition {
  TransitionType type = TransitionType::k_crossfade;
  double duration = 1.0;  ///< seconds; always 0 for a cut
  bool operator==(const Transition&) const = default;
};

struct VideoSettings {
  std::string preset = "veryfast";
  int crf = 20;
  bool operator==(const VideoSettings&) const = default;
};

struct OutputSettings {
  int width = 1920;
  int height = 1080;
  Rational fps{30, 1};
  Colour background;
  VideoSettings video;
  int audio_bitrate = 192000;
  bool operator==(const OutputSettings&) const = default;
};

/// A video clip shown on a slide, and its own sound. Times are seconds of
/// the clip's own timeline (0 at its first frame).
struct Clip {
  std::string file;           ///< absolute path
  double in = 0;              ///< the first moment shown
  std::optional<double> out;  ///< where it stops; none: at its end
  double speed = 1;           ///< 0.25 to 4
  double volume = 1;          ///< of its own sound; 0 mutes it
  /// The slide gave no duration and no `out`: its duration is the clip's
  /// length, known once the clip is probed (project_check).
  bool duration_from_clip = false;
  bool operator==(const Clip&) const = default;
};

struct Slide {
  std::string image;  ///< absolute path; empty for a title card or a clip
  /// A title card: a solid colour instead of a photo.
  std::optional<Colour> card;
  /// A video clip instead of a photo.
  std::optional<Clip> clip;
  double duration = 5.0;
  Fit fit = Fit::k_cover;
  Motion motion;
  bool auto_motion = false;  ///< motion is chosen by resolve_auto_motion()
  /// What framing keeps in view (common/subject_framing.h).
  Focus focus;
  Transition transition;     ///< into the next slide; ignored on the last
  std::optional<Caption> caption;
};

/// How a music track goes down while a clip's own sound plays: to
/// `gain_db` over `attack` seconds before the clip's sound starts, and back
/// over `release` seconds after it stops.
struct Ducking {
  double gain_db = -12;
  double attack = 0.3;
  double release = 0.8;
  bool operator==(const Ducking&) const = default;
};

/// The overlap of two tracks of a playlist when `crossfade` is not given.
constexpr double k_default_crossfade = 2.0;

/// A music track. A track with `after_previous` starts where the track
/// before it ends, overlapped by its `crossfade`: such tracks and the one
/// they follow make a playlist (orchestrator/audio/track_schedule.h).
struct AudioTrack {
  std::string file;  ///< absolute path
  double start = 0.0;  ///< unused when `after_previous`
  bool after_previous = false;
  /// Seconds of equal-power overlap with the previous track; on a looping
  /// playlist's first track, the overlap where the list starts again.
  /// None: k_default_crossfade in a playlist, 0 for a track looped alone.
  std::optional<double> crossfade;
  double volume = 1.0;
  double fade_in = 0.0;
  double fade_out = 0.0;  ///< before the track's end, or the show's
  bool loop = false;  ///< on a playlist's first track: the whole list loops
  std::optional<Ducking> duck = Ducking{};  ///< none: never ducked
  bool operator==(const AudioTrack&) const = default;
};

/// Photo slides' boundaries moved onto the beats of a music track
/// (orchestrator/project/beat_sync.h).
struct BeatSync {
  int track = 0;           ///< index into Timeline::audio
  double tolerance = 0.4;  ///< seconds a boundary may move
  bool operator==(const BeatSync&) const = default;
};

/// How loud the whole soundtrack comes out: its integrated loudness
/// (EBU R128, LUFS) brought to `loudness`, its true peak kept under
/// `true_peak` (dBTP). No loudness: the mix is left as it is.
struct AudioMix {
  std::optional<double> loudness = -16.0;
  double true_peak = -1.0;
  bool operator==(const AudioMix&) const = default;
};

struct Timeline {
  std::string project_path;  ///< the file it came from, for messages
  OutputSettings output;
  std::vector<Slide> slides;
  std::vector<AudioTrack> audio;
  AudioMix audio_mix;
  std::optional<BeatSync> sync;  ///< none: slides keep their durations
  /// A show made from a folder: the files it left out, "name: reason".
  std::vector<std::string> left_out;
};

const char* to_string(Fit fit);
const char* to_string(TransitionType type);
const char* to_string(Easing easing);
bool parse_fit(const std::string& text, Fit* out);
bool parse_transition_type(const std::string& text, TransitionType* out);
/// Every transition's name, in the order the format lists them.
std::vector<const char*> transition_type_names();
bool parse_easing(const std::string& text, Easing* out);
/// "#rrggbb" only.
bool parse_colour(const std::string& text, Colour* out);
std::string to_string(Colour colour);

/// The x264 presets accepted for output.video.preset.
bool is_x264_preset(const std::string& name);

}  // namespace chunkreel
