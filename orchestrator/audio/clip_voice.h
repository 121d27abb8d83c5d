// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A clip's own sound on the show's timeline: its audio from `in`, at its
// speed (stretched with its pitch kept, by libavfilter's atempo), placed at
// its slide's start, faded in and out with the slide's transitions (the
// same linear weights a crossfade gives its pictures) and scaled by its
// volume. Works in blocks, like a music track.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/av_ptr.h"
#include "common/error.h"
#include "orchestrator/audio/audio_source.h"

namespace chunkreel {

/// Where and how a clip's sound plays (show seconds unless said).
struct ClipVoice {
  std::string file;
  double in = 0;            ///< clip seconds heard first
  double speed = 1;
  double volume = 1;
  double audio_offset = 0;  ///< clip seconds where the file's sound starts
  double start = 0;         ///< where it starts: the slide's start
  double end = 0;           ///< where it stops: the slide's end, or the clip's `out` sooner
  double fade_in = 0;       ///< the slide's incoming transition, from `start`
  double fade_out = 0;      ///< its outgoing transition, ending at `slide_end`
  double slide_end = 0;
};

/// The samples of `voice`, 48 kHz stereo, from its start.
class ClipVoiceReader {
 public:
  static Expected<std::unique_ptr<ClipVoiceReader>> open(const ClipVoice& voice);
  ~ClipVoiceReader();
  /// Up to `frames` stretched samples (interleaved stereo) into `out`;
  /// fewer only at the end of the clip's sound.
  Expected<int> read(float* out, int frames);

 private:
  Expected<int> read_source(float* out, int frames);
  Expected<void> push_to_tempo(int frames);

  std::unique_ptr<AudioSource> m_source;
  FilterGraphPtr m_graph;
  AVFilterContext* m_tempo_in = nullptr;
  AVFilterContext* m_tempo_out = nullptr;
  int64_t m_silence = 0;  ///< samples of silence before its sound (sound that starts late)
  bool m_source_done = false;
  bool m_tempo_done = false;
  std::vector<float> m_pending;  ///< stretched, not yet read
  size_t m_pending_pos = 0;
  int64_t m_pts = 0;
};

/// The gain (0..1) of a music track `ducking` applies at show time `t`
/// while `voices` play: linear in decibels over the attack before each
/// voice starts and the release after it ends, the lowest where several
/// overlap. Voices with volume 0 do not duck.
double duck_gain(const std::vector<ClipVoice>& voices, double gain_db, double attack, double release, double t);

}  // namespace chunkreel
