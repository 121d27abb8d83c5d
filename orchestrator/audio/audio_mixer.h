// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The show's soundtrack, encoded to AAC once for the whole timeline (never
// per chunk: per-chunk AAC leaves gaps and clicks at the joins).
//
// Each track plays where track_schedule.h places it (at its start, after
// the track before it, looped alone or as a playlist), faded and
// crossfaded as it says, scaled by its volume, ducked under the clips'
// sound, and mixed with the
// clips' sound (clip_voice.h). The mix is brought to the show's loudness
// (loudness.h: measured in a first pass over the mix, levelled in the
// second, which is encoded). The mix is cut at the video's length, so
// audio and video end together to within one AAC frame. Works in 1024-sample
// blocks, so memory does not grow with the show's length.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/timeline.h"
#include "orchestrator/audio/clip_voice.h"
#include "orchestrator/audio/loudness.h"

namespace chunkreel {

struct AudioResult {
  int64_t samples = 0;  ///< at 48 kHz
  int64_t bytes = 0;
  double wall_s = 0;
  /// What bringing the mix to its loudness found and did; none when the
  /// show leaves the mix as it is.
  std::optional<LoudnessLevels> loudness;
};

/// True when the show has anything to hear: a track or a clip's sound.
bool has_sound(const Timeline& timeline, const std::vector<ClipVoice>& voices);

/// Mixes `timeline.audio` (whose measured lengths in seconds are
/// `track_lengths`, one per track) and `voices` over `duration_s` seconds and writes
/// AAC in an MP4 container to `path` (via a temporary name). Gives up with
/// an error soon after `cancel` becomes true.
Expected<AudioResult> mix_and_encode_audio(const Timeline& timeline, const std::vector<double>& track_lengths,
                                           const std::vector<ClipVoice>& voices, double duration_s,
                                           const std::string& path,
                                           const std::atomic<bool>& cancel);

}  // namespace chunkreel
