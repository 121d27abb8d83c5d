// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "common/auto_motion.h"

using namespace chunkreel;

TEST_CASE("auto motion is deterministic and alternates zoom in and out") {
  for (int i = 0; i < 40; ++i) {
    Motion a = auto_motion(i, "/photos/x.jpg", 4000, 3000);
    Motion b = auto_motion(i, "/elsewhere/x.jpg", 4000, 3000);
    CHECK(a == b);  // the file's name and size decide, not its folder
    if (i % 2 == 0)
      CHECK(a.to.zoom > a.from.zoom);
    else
      CHECK(a.to.zoom < a.from.zoom);
    // The close view's window stays inside the image: its centre leaves room
    // of half the window on every side.
    const ViewPoint& close = a.to.zoom > a.from.zoom ? a.to : a.from;
    const double half = 0.5 / close.zoom;
    CHECK(close.center_x - half >= -1e-9);
    CHECK(close.center_x + half <= 1 + 1e-9);
    CHECK(close.center_y - half >= -1e-9);
    CHECK(close.center_y + half <= 1 + 1e-9);
  }
  // Different slides get different motions.
  CHECK_FALSE(auto_motion(0, "a.jpg", 100, 100) == auto_motion(2, "a.jpg", 100, 100));
}
