// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/show_timing.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace chunkreel {

ShowTiming compute_timing(const std::vector<Slide>& slides, Rational fps) {
  ShowTiming timing;
  timing.spans.reserve(slides.size());
  double t = 0;
  double previous_out = 0;
  for (size_t i = 0; i < slides.size(); ++i) {
    const bool last = i + 1 == slides.size();
    SlideSpan span;
    span.index = static_cast<int>(i);
    span.start = t;
    span.duration = slides[i].duration;
    span.in_transition = previous_out;
    span.out_transition = last ? 0.0 : slides[i].transition.duration;
    timing.spans.push_back(span);
    t += span.duration - span.out_transition;
    previous_out = span.out_transition;
  }
  timing.duration = t;
  timing.frames = frame_count(t, fps);
  return timing;
}

FrameContent content_at(const std::vector<SlideSpan>& spans, double t) {
  if (spans.empty()) throw Fatal(ExitCode::k_render_failed, "no slides to show");
  // The slide that started last at or before t.
  auto it = std::upper_bound(spans.begin(), spans.end(), t,
                             [](double value, const SlideSpan& s) { return value < s.start; });
  int position = it == spans.begin() ? 0 : static_cast<int>(it - spans.begin()) - 1;
  const SlideSpan& span = spans[position];
  FrameContent content;
  content.span = position;
  if (span.in_transition > 0 && t < span.start + span.in_transition) {
    if (position == 0)
      throw Fatal(ExitCode::k_render_failed,
                  "slide " + std::to_string(span.index) + "'s incoming transition needs the "
                  "previous slide, which this job does not carry");
    content.in_transition = true;
    content.progress = std::clamp((t - span.start) / span.in_transition, 0.0, 1.0);
  }
  return content;
}

double slide_progress(const SlideSpan& span, double t) {
  if (span.duration <= 0) return 0;
  return std::clamp((t - span.start) / span.duration, 0.0, 1.0);
}

double ease(Easing easing, double p) {
  p = std::clamp(p, 0.0, 1.0);
  switch (easing) {
    case Easing::k_linear:
      return p;
    case Easing::k_ease_in:
      return p * p;
    case Easing::k_ease_out:
      return 1 - (1 - p) * (1 - p);
    case Easing::k_ease_in_out:
      // Smoothstep: zero velocity at both ends, symmetric.
      return p * p * (3 - 2 * p);
  }
  return p;
}

SlideRange slides_for_frames(const ShowTiming& timing, Rational fps, int64_t first_frame,
                             int64_t frame_count) {
  FrameContent first = content_at(timing.spans, frame_time(first_frame, fps));
  FrameContent last = content_at(timing.spans, frame_time(first_frame + frame_count - 1, fps));
  SlideRange range;
  range.first = first.in_transition ? first.span - 1 : first.span;
  range.last = last.span;
  return range;
}

bool frame_in_transition(const ShowTiming& timing, Rational fps, int64_t frame) {
  return content_at(timing.spans, frame_time(frame, fps)).in_transition;
}

}  // namespace chunkreel
