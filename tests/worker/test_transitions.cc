#include <catch2/catch.hpp>

#include "worker/transitions.h"

using namespace chunkreel;

namespace {

PlanarImage solid(float v, int w = 100, int h = 50) {
  PlanarImage img;
  img.resize(w, h);
  for (auto& p : img.planes) std::fill(p.begin(), p.end(), v);
  return img;
}

PlanarImage apply(TransitionType type, double p) {
  PlanarImage a = solid(0.0f), b = solid(1.0f), out = solid(0.5f);
  const float bg[3] = {0.2f, 0.2f, 0.2f};
  compose_transition(type, p, a, b, bg, &out);
  return out;
}

double mean(const PlanarImage& img) {
  double s = 0;
  for (float v : img.planes[0]) s += v;
  return s / img.planes[0].size();
}

}  // namespace

TEST_CASE("every transition starts on the old slide and ends on the new one") {
  for (TransitionType t : {TransitionType::k_crossfade, TransitionType::k_fade_black,
                           TransitionType::k_wipe_left, TransitionType::k_wipe_right,
                           TransitionType::k_wipe_up, TransitionType::k_wipe_down,
                           TransitionType::k_slide_left, TransitionType::k_slide_right}) {
    INFO(to_string(t));
    CHECK(mean(apply(t, 0.0)) == Approx(0.0).margin(1e-4));
    CHECK(mean(apply(t, 1.0)) == Approx(1.0).margin(1e-4));
  }
}

TEST_CASE("transitions at their middle") {
  CHECK(mean(apply(TransitionType::k_crossfade, 0.5)) == Approx(0.5).margin(1e-5));
  // fade-black is all background at its midpoint.
  CHECK(mean(apply(TransitionType::k_fade_black, 0.5)) == Approx(0.2).margin(1e-5));
  // Wipes and slides are half way across at the middle.
  PlanarImage left = apply(TransitionType::k_wipe_left, 0.5);
  CHECK(left.row(0, 10)[5] == Approx(0.0).margin(1e-4));   // old slide stays on the left
  CHECK(left.row(0, 10)[95] == Approx(1.0).margin(1e-4));  // new slide from the right
  PlanarImage right = apply(TransitionType::k_wipe_right, 0.5);
  CHECK(right.row(0, 10)[5] == Approx(1.0).margin(1e-4));
  PlanarImage up = apply(TransitionType::k_wipe_up, 0.5);
  CHECK(up.row(0, 45)[50] == Approx(1.0).margin(1e-4));
  CHECK(up.row(0, 5)[50] == Approx(0.0).margin(1e-4));
  PlanarImage down = apply(TransitionType::k_wipe_down, 0.5);
  CHECK(down.row(0, 5)[50] == Approx(1.0).margin(1e-4));
  PlanarImage slide = apply(TransitionType::k_slide_left, 0.5);
  CHECK(slide.row(0, 10)[10] == Approx(0.0).margin(1e-4));
  CHECK(slide.row(0, 10)[90] == Approx(1.0).margin(1e-4));
  CHECK(mean(slide) == Approx(0.5).margin(0.02));
}
