// SPDX-License-Identifier: GPL-2.0-or-later
// Photo changes moved onto beats: to the nearest beat within the tolerance,
// on the frame nearest it, never making a slide too short, and leaving
// clips and title cards their length.

#include <catch2/catch.hpp>

#include <cmath>

#include "common/show_timing.h"
#include "orchestrator/project/beat_sync.h"

using namespace chunkreel;

namespace {

Slide photo(double duration, double transition = 0) {
  Slide s;
  s.image = "a.jpg";
  s.duration = duration;
  s.transition.type = transition > 0 ? TransitionType::k_crossfade : TransitionType::k_cut;
  s.transition.duration = transition;
  return s;
}

std::vector<double> grid(double first, double period, double until) {
  std::vector<double> beats;
  for (double t = first; t < until; t += period) beats.push_back(t);
  return beats;
}

// The show time of the first frame of slide i + 1 (a cut), or of the
// middle of the transition into it.
double boundary(const std::vector<Slide>& slides, size_t i) {
  const ShowTiming timing = compute_timing(slides, Rational{30, 1});
  return timing.spans[i + 1].start + slides[i].transition.duration / 2;
}

}  // namespace

TEST_CASE("each photo change lands on the frame nearest a beat") {
  std::vector<Slide> slides(6, photo(2.3));
  const std::vector<double> beats = grid(0.113, 0.6, 40);  // 100 BPM, between frames
  ShowBeats result;
  sync_to_beats(slides, beats, 0.4, Rational{30, 1}, &result);
  CHECK(result.boundaries == 5);
  CHECK(result.moved == 5);
  CHECK(result.max_shift <= 0.4 + 1.0 / 60);
  const ShowTiming timing = compute_timing(slides, Rational{30, 1});
  for (size_t i = 1; i < slides.size(); ++i) {
    const double first_frame = std::ceil(timing.spans[i].start * 30) / 30;
    double nearest = 1e9;
    for (double b : beats) nearest = std::min(nearest, std::abs(b - first_frame));
    CHECK(nearest <= 0.5 / 30 + 1e-9);
    CHECK(slides[i - 1].duration >= 2.3 / 2);
  }
  CHECK(slides.back().duration == 2.3);
}

TEST_CASE("a transition's middle moves onto the beat, and the slide keeps room for its transitions") {
  std::vector<Slide> slides = {photo(3, 1), photo(2.2, 1), photo(3)};
  ShowBeats result;
  sync_to_beats(slides, {2.561, 3.4}, 0.5, Rational{30, 1}, &result);
  // Boundary 0 was at 2.5: the beat at 2.561 takes it, half a frame before
  // frame 77 (2.567 s).
  CHECK(result.moved == 1);
  CHECK(boundary(slides, 0) == Approx((77 - 0.5) / 30));
  // Boundary 1 (then at 3.75) would need slide 1 shorter than its two
  // transitions to reach 3.4: it stays.
  CHECK(slides[1].duration == 2.2);
}

TEST_CASE("no slide becomes shorter than half its duration, and out of tolerance nothing moves") {
  std::vector<Slide> slides = {photo(2), photo(2)};
  ShowBeats result;
  sync_to_beats(slides, {0.8}, 1.5, Rational{30, 1}, &result);  // would leave 0.8 s of 2
  CHECK(result.moved == 0);
  CHECK(slides[0].duration == 2);
  sync_to_beats(slides, {2.5}, 0.4, Rational{30, 1}, &result);
  CHECK(result.moved == 0);
}

TEST_CASE("clips and title cards keep their length, and the photos around them flex") {
  Slide card;
  card.card = Colour{};
  card.duration = 2;
  Slide clip;
  clip.clip = Clip{};
  clip.duration = 3;
  std::vector<Slide> slides = {photo(2.3), card, photo(2.3), clip, photo(2.3), photo(2.3)};
  ShowBeats result;
  sync_to_beats(slides, grid(0.1, 0.6, 40), 0.4, Rational{30, 1}, &result);
  CHECK(result.boundaries == 3);  // photos 0, 2 and 4; the last keeps its own
  CHECK(slides[1].duration == 2);
  CHECK(slides[3].duration == 3);
}

TEST_CASE("a track's beats fall in the show at every play of it") {
  TrackPlay a{0, 0, 5}, b{1, 3, 7}, again{0, 10, 15};
  const auto times = beats_in_show({a, b, again}, 0, {1, 4, 6});
  CHECK(times == std::vector<double>{1, 4, 11, 14});
}
