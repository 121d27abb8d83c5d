// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <cmath>

#include "common/view_window.h"

using namespace chunkreel;

TEST_CASE("cover at zoom 1 is the largest output-shaped rectangle") {
  Window w = view_window(4000, 3000, Fit::k_cover, ViewPoint{1, 0.5, 0.5}, 1920, 1080);
  CHECK(w.width == Approx(4000));
  CHECK(w.height == Approx(2250));
  CHECK(w.y == Approx(375));
  // A portrait image: full width, a band of its height.
  w = view_window(3000, 4000, Fit::k_cover, ViewPoint{1, 0.5, 0.5}, 1920, 1080);
  CHECK(w.width == Approx(3000));
  CHECK(w.height == Approx(1687.5));
}

TEST_CASE("contain at zoom 1 holds the whole image") {
  Window w = view_window(3000, 4000, Fit::k_contain, ViewPoint{1, 0.5, 0.5}, 1920, 1080);
  CHECK(w.height == Approx(4000));
  CHECK(w.width == Approx(4000 * 16.0 / 9));
  CHECK(w.x == Approx(1500 - w.width / 2));
}

TEST_CASE("zoom shrinks the window and the centre is clamped inside a cover image") {
  Window w = view_window(4000, 3000, Fit::k_cover, ViewPoint{2, 0.0, 1.0}, 1920, 1080);
  CHECK(w.width == Approx(2000));
  CHECK(w.x == Approx(0));
  CHECK(w.y + w.height == Approx(3000));
  w = view_window(4000, 3000, Fit::k_cover, ViewPoint{2, 0.6, 0.5}, 1920, 1080);
  CHECK(w.x + w.width / 2 == Approx(2400));  // not snapped to any grid
}

TEST_CASE("zoom is geometric and the centre linear in progress") {
  Motion m;
  m.from = {1.0, 0.2, 0.5};
  m.to = {4.0, 0.8, 0.5};
  CHECK(interpolate_view(m, 0.5).zoom == Approx(2.0));
  CHECK(interpolate_view(m, 0.25).zoom == Approx(std::sqrt(2.0)));
  CHECK(interpolate_view(m, 0.5).center_x == Approx(0.5));
}

TEST_CASE("density: how much of the image resolution a motion can use") {
  Motion m;
  m.from = {1.0, 0.5, 0.5};
  m.to = {1.25, 0.5, 0.5};
  CHECK(max_density(4000, 3000, Fit::k_cover, m, 1920, 1080) == Approx(1920 * 1.25 / 4000));
}
