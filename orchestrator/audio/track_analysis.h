// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the orchestrator learns of a music track before planning, by
// decoding it once: its exact length (the samples it decodes to, at
// 48 kHz, so a playlist's crossfades fall where the audio stage will play
// them) and, when asked, its beats.
//
// Beats come from aubio's beat tracker (its "default" tempo method) on the
// track's mono mix, 1024-sample windows every 256 samples. The tracker
// predicts each beat from the tempo it has estimated so far, which drifts
// by tens of milliseconds and strays off the beat for a few seconds after
// a change of tempo; so each predicted beat is moved to the onset aubio's
// onset detector finds within k_onset_window of it, and a beat with no
// onset that near is dropped. A tracker can also lock half a beat out of
// phase, onto the weak onsets between beats; so where an onset next to the
// chosen one is more than twice as loud, the beat moves to it. A track "has a beat" when the tracker is
// confident of it on average (speech and ambient sound score about 0.1,
// drum patterns 1.3 and more) and most of its beats land on onsets.

#include <atomic>
#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

struct TrackBeats {
  bool found = false;         ///< false: no beat to follow (the rest is empty)
  std::vector<double> times;  ///< seconds of the track's own time, ascending
  double tempo_bpm = 0;       ///< from the median spacing of `times`
  double confidence = 0;      ///< aubio's, averaged over the beats it gave
};

struct TrackAnalysis {
  double length = 0;  ///< seconds: the samples it decodes to, over 48000
  TrackBeats beats;   ///< empty unless asked for
  double seconds = 0; ///< the time the analysis took
};

/// Decodes `path` whole; finds its beats when `find_beats`. Gives up with an
/// error soon after `cancel` becomes true.
Expected<TrackAnalysis> analyse_track(const std::string& path, bool find_beats, const std::atomic<bool>& cancel);

}  // namespace chunkreel
