// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "worker/transitions.h"

using namespace chunkreel;

namespace {

Picture solid(float luma, float chroma, int w = 100, int h = 50) {
  Picture picture;
  picture.resize(w, h);
  std::fill(picture.y.data.begin(), picture.y.data.end(), luma);
  std::fill(picture.cb.data.begin(), picture.cb.data.end(), chroma);
  std::fill(picture.cr.data.begin(), picture.cr.data.end(), -chroma);
  return picture;
}

Picture apply(TransitionType type, double p) {
  Picture a = solid(0.0f, -0.2f), b = solid(1.0f, 0.2f), out = solid(0.5f, 0.0f);
  compose_transition(type, p, a, b, YCbCr{0.2f, 0.0f, 0.0f}, &out);
  return out;
}

double mean(const Plane& plane) {
  double s = 0;
  for (float v : plane.data) s += v;
  return s / plane.data.size();
}

}  // namespace

TEST_CASE("every transition starts on the old slide and ends on the new one") {
  for (TransitionType t : {TransitionType::k_crossfade, TransitionType::k_fade_black,
                           TransitionType::k_wipe_left, TransitionType::k_wipe_right,
                           TransitionType::k_wipe_up, TransitionType::k_wipe_down,
                           TransitionType::k_slide_left, TransitionType::k_slide_right}) {
    INFO(to_string(t));
    CHECK(mean(apply(t, 0.0).y) == Approx(0.0).margin(1e-4));
    CHECK(mean(apply(t, 0.0).cb) == Approx(-0.2).margin(1e-4));
    CHECK(mean(apply(t, 1.0).y) == Approx(1.0).margin(1e-4));
    CHECK(mean(apply(t, 1.0).cr) == Approx(-0.2).margin(1e-4));
  }
}

TEST_CASE("transitions at their middle") {
  CHECK(mean(apply(TransitionType::k_crossfade, 0.5).y) == Approx(0.5).margin(1e-5));
  CHECK(mean(apply(TransitionType::k_crossfade, 0.5).cb) == Approx(0.0).margin(1e-5));
  // fade-black is all background at its midpoint.
  CHECK(mean(apply(TransitionType::k_fade_black, 0.5).y) == Approx(0.2).margin(1e-5));
  CHECK(mean(apply(TransitionType::k_fade_black, 0.5).cb) == Approx(0.0).margin(1e-5));
  // Wipes and slides are half way across at the middle, chroma with luma.
  Picture left = apply(TransitionType::k_wipe_left, 0.5);
  CHECK(left.y.row(10)[5] == Approx(0.0).margin(1e-4));   // old slide stays on the left
  CHECK(left.y.row(10)[95] == Approx(1.0).margin(1e-4));  // new slide from the right
  CHECK(left.cb.row(5)[2] == Approx(-0.2).margin(1e-4));
  CHECK(left.cb.row(5)[47] == Approx(0.2).margin(1e-4));
  Picture right = apply(TransitionType::k_wipe_right, 0.5);
  CHECK(right.y.row(10)[5] == Approx(1.0).margin(1e-4));
  Picture up = apply(TransitionType::k_wipe_up, 0.5);
  CHECK(up.y.row(45)[50] == Approx(1.0).margin(1e-4));
  CHECK(up.y.row(5)[50] == Approx(0.0).margin(1e-4));
  Picture down = apply(TransitionType::k_wipe_down, 0.5);
  CHECK(down.y.row(5)[50] == Approx(1.0).margin(1e-4));
  CHECK(down.cr.row(2)[25] == Approx(-0.2).margin(1e-4));
  Picture slide = apply(TransitionType::k_slide_left, 0.5);
  CHECK(slide.y.row(10)[10] == Approx(0.0).margin(1e-4));
  CHECK(slide.y.row(10)[90] == Approx(1.0).margin(1e-4));
  CHECK(mean(slide.y) == Approx(0.5).margin(0.02));
  CHECK(mean(slide.cb) == Approx(0.0).margin(0.02));
}

// The renderer finishes rows of the transitions that weigh every sample
// alike in one pass (worker/tap_quantiser.h), from the weights
// constant_mix() gives; they must be the mix mix_row() makes.
TEST_CASE("constant mixes are the mixes mix_row makes, and only for transitions that weigh samples alike") {
  const YCbCr background{0.3f, 0.1f, -0.05f};
  float a[40], b[40], mixed[40];
  for (int x = 0; x < 40; ++x) {
    a[x] = 0.02f * x;
    b[x] = 0.9f - 0.015f * x;
  }
  for (TransitionType type : {TransitionType::k_cut, TransitionType::k_crossfade, TransitionType::k_fade_black})
    for (double p : {0.0, 0.2, 0.5, 0.7, 1.0}) {
      const TransitionMixer mixer(type, p, 80, 40, background);
      for (int plane = 0; plane < 3; ++plane) {
        float mix[2] = {-1, -1}, constant = -1;
        REQUIRE(mixer.constant_mix(plane, mix, &constant));
        mixer.mix_row(plane, 3, a, b, 40, mixed);
        INFO("type " << static_cast<int>(type) << " at " << p << ", plane " << plane);
        for (int x = 0; x < 40; ++x) CHECK(mix[0] * a[x] + mix[1] * b[x] + constant == Approx(mixed[x]).margin(1e-6));
      }
    }
  for (TransitionType type : {TransitionType::k_wipe_left, TransitionType::k_wipe_up, TransitionType::k_slide_left}) {
    const TransitionMixer mixer(type, 0.4, 80, 40, background);
    float mix[2], constant;
    CHECK_FALSE(mixer.constant_mix(0, mix, &constant));
  }
}
