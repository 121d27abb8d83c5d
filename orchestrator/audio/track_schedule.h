// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where each music track plays on the show's timeline, from the tracks'
// measured lengths: pure arithmetic, so the audio stage and beat sync read
// the same schedule from the recorded plan.
//
// A playlist is a track and the tracks after it with "after": "previous".
// Track k of a playlist starts where track k - 1 ends, less its crossfade,
// so the two overlap by the crossfade with equal-power gains (sin and cos
// of the same quarter turn: their powers sum to one). With `loop` on its
// first track the list starts again where its last track ends, overlapped
// by the first track's crossfade (0 for a track looped alone, unless
// given). Every play starts at the file's first sample.

#include <string>
#include <vector>

#include "common/error.h"
#include "common/timeline.h"

namespace chunkreel {

struct TrackPlay {
  int track = 0;             ///< index into Timeline::audio
  double start = 0;          ///< show seconds
  double end = 0;            ///< where the file runs out: start + its length
  double fade_in = 0;        ///< linear, from `start` (a list's first play)
  double crossfade_in = 0;   ///< equal-power, from `start`
  double crossfade_out = 0;  ///< equal-power, until `end`
  double fade_out = 0;       ///< linear, until `end` (a list's last play)
  /// Linear, until the show's end, when the show ends before `end`.
  double fade_at_show_end = 0;
  bool operator==(const TrackPlay&) const = default;
};

/// Refuses crossfades the tracks cannot hold: one longer than either track
/// it joins, or the crossfades into and out of a track longer than it
/// together. `lengths` are seconds, one per track; `name` is the show's
/// file name for the messages, which name the field.
Expected<void> check_crossfades(const std::vector<AudioTrack>& tracks, const std::vector<double>& lengths,
                                const std::string& name);

/// Every play that starts before `until` (show seconds), by start time.
/// The tracks must have passed check_crossfades.
std::vector<TrackPlay> schedule_tracks(const std::vector<AudioTrack>& tracks, const std::vector<double>& lengths,
                                       double until);

/// The gain of `play` at show time `t`, with the show ending at `show_end`:
/// its fades and crossfades (not its volume or ducking). 0 outside it.
double play_gain(const TrackPlay& play, double t, double show_end);

}  // namespace chunkreel
