// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Time arithmetic of a show.
//
// Slide i starts at t_i = sum_{j<i} (d_j - x_j), where d is a slide's duration
// and x its outgoing transition (the last slide's is ignored). The show lasts
// T = sum d - sum x and has round(T * fps) frames; frame k shows time k / fps.
// A transition from slide i to i+1 occupies [t_{i+1}, t_{i+1} + x_i).
//
// These functions work on `SlideSpan`s, the timing facts of a slide, so the
// orchestrator (whole show) and a worker (its chunk's slides only, carrying
// their global start times) answer "what is on frame k?" identically.

#include <cstdint>
#include <vector>

#include "common/rational.h"
#include "common/timeline.h"

namespace chunkreel {

struct SlideSpan {
  int index = 0;           ///< the slide's index in the whole show
  double start = 0;        ///< t_i, seconds
  double duration = 0;     ///< d_i, the slide is visible on [start, start + duration)
  double in_transition = 0;   ///< x_{i-1}, 0 for the first slide
  double out_transition = 0;  ///< x_i, 0 for the last slide
};

struct ShowTiming {
  std::vector<SlideSpan> spans;
  double duration = 0;  ///< T
  int64_t frames = 0;   ///< round(T * fps)
};

ShowTiming compute_timing(const std::vector<Slide>& slides, Rational fps);

/// What frame time t shows: one slide, or a transition between two.
struct FrameContent {
  int span = 0;         ///< position in the span list of the (incoming) slide
  bool in_transition = false;
  double progress = 0;  ///< transition progress in [0, 1); 0 when not in one
};

/// `spans` must be ordered and cover t (contiguous, as a chunk job's are).
/// When t is in a transition, `span` is the incoming slide and span - 1 the
/// outgoing one.
FrameContent content_at(const std::vector<SlideSpan>& spans, double t);

/// Motion progress of a slide at time t, before easing: 0 at its start,
/// reaching 1 at the end of its visible span.
double slide_progress(const SlideSpan& span, double t);

/// Applies an easing curve to progress p in [0, 1].
double ease(Easing easing, double p);

/// The show's frames [first_frame, first_frame + frame_count) as the indices
/// of the slides they show, inclusive.
struct SlideRange {
  int first = 0;
  int last = 0;
};
SlideRange slides_for_frames(const ShowTiming& timing, Rational fps, int64_t first_frame,
                             int64_t frame_count);

/// True when frame k lies inside a transition (so no chunk may start there).
bool frame_in_transition(const ShowTiming& timing, Rational fps, int64_t frame);

}  // namespace chunkreel
