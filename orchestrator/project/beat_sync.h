// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Slide changes moved onto the music's beats ("timing": {"sync": "beats"}).
//
// A photo slide's boundary (the middle of its outgoing transition, or its
// cut) moves to the nearest beat within the tolerance, by lengthening or
// shortening that slide, so every later slide moves with it. A slide never
// becomes shorter than half its duration, than its transitions need, or
// than its caption's times need; a boundary with no beat it can reach
// stays. Clips and title cards keep their length (the photos around them
// flex); the last slide keeps its own. The boundary lands half a frame
// before the frame nearest the beat, so that frame is the first to show
// the new slide (or the middle of the transition).

#include <vector>

#include "common/rational.h"
#include "common/timeline.h"
#include "orchestrator/audio/track_schedule.h"
#include "orchestrator/audio/track_analysis.h"

namespace chunkreel {

/// The beats a show's slides were moved onto, and how far they moved.
struct ShowBeats {
  int track = 0;
  TrackBeats found;           ///< in the track's own time
  std::vector<double> times;  ///< where they fall in the show, seconds
  int boundaries = 0;         ///< photo boundaries that could move
  int moved = 0;
  double mean_shift = 0;  ///< seconds, over the boundaries moved
  double max_shift = 0;
  double seconds = 0;  ///< the beat tracker's time, with the decode
};

/// Where `beats` (of track `track`, in its own time) fall in the show: at
/// every play of the track that starts before `until`, ascending.
std::vector<double> beats_in_show(const std::vector<TrackPlay>& plays, int track, const std::vector<double>& beats);

/// Moves the boundaries of `slides` onto `beats` (show seconds, ascending)
/// as the header says; fills the counts of `result`.
void sync_to_beats(std::vector<Slide>& slides, const std::vector<double>& beats, double tolerance, Rational fps,
                   ShowBeats* result);

}  // namespace chunkreel
