// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "common/show_timing.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

std::vector<Slide> slides(std::vector<std::pair<double, double>> durations_and_transitions) {
  return test::slides_of(durations_and_transitions);
}

}  // namespace

TEST_CASE("slide starts subtract outgoing transitions") {
  // d = 5, 4, 3 with transitions 1, 0.5 (the last one's 2 is ignored).
  ShowTiming t = compute_timing(slides({{5, 1}, {4, 0.5}, {3, 2}}), Rational{30, 1});
  REQUIRE(t.spans.size() == 3);
  CHECK(t.spans[0].start == 0);
  CHECK(t.spans[1].start == 4);
  CHECK(t.spans[2].start == 7.5);
  CHECK(t.spans[2].out_transition == 0);
  CHECK(t.spans[1].in_transition == 1);
  CHECK(t.duration == 10.5);  // 12 - 1.5
  CHECK(t.frames == 315);
}

TEST_CASE("content at a time: solo slides and transitions") {
  ShowTiming t = compute_timing(slides({{5, 1}, {4, 0}, {3, 0}}), Rational{30, 1});
  FrameContent c = content_at(t.spans, 2.0);
  CHECK(c.span == 0);
  CHECK_FALSE(c.in_transition);
  c = content_at(t.spans, 4.5);  // halfway through the crossfade 0 -> 1
  CHECK(c.span == 1);
  CHECK(c.in_transition);
  CHECK(c.progress == Approx(0.5));
  c = content_at(t.spans, 5.0);  // transition over
  CHECK(c.span == 1);
  CHECK_FALSE(c.in_transition);
  c = content_at(t.spans, 8.0);  // cut into slide 2 at t = 8
  CHECK(c.span == 2);
  CHECK_FALSE(c.in_transition);
}

TEST_CASE("slides for a frame range include a transition's outgoing slide") {
  const Rational fps{10, 1};
  ShowTiming t = compute_timing(slides({{3, 1}, {3, 1}, {3, 0}}), fps);
  // Slide 1 starts at 2.0 s (frame 20) and is in transition until 3.0 s (frame 30).
  SlideRange r = slides_for_frames(t, fps, 22, 5);
  CHECK(r.first == 0);
  CHECK(r.last == 1);
  r = slides_for_frames(t, fps, 30, 5);
  CHECK(r.first == 1);
  CHECK(r.last == 1);
  CHECK(frame_in_transition(t, fps, 20));
  CHECK(frame_in_transition(t, fps, 29));
  CHECK_FALSE(frame_in_transition(t, fps, 30));
  CHECK_FALSE(frame_in_transition(t, fps, 19));
}

TEST_CASE("easing curves start at 0 and end at 1 and are monotonic") {
  for (Easing e : {Easing::k_linear, Easing::k_ease_in, Easing::k_ease_out, Easing::k_ease_in_out}) {
    CHECK(ease(e, 0) == 0);
    CHECK(ease(e, 1) == 1);
    double previous = 0;
    for (int i = 1; i <= 100; ++i) {
      double v = ease(e, i / 100.0);
      CHECK(v >= previous);
      previous = v;
    }
  }
  CHECK(ease(Easing::k_ease_in_out, 0.5) == Approx(0.5));
  CHECK(ease(Easing::k_ease_in, 0.5) < 0.5);
  CHECK(ease(Easing::k_ease_out, 0.5) > 0.5);
}
