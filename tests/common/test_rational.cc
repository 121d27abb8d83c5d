// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "common/rational.h"

using namespace chunkreel;

TEST_CASE("frame rates parse as reduced rationals") {
  CHECK(parse_rational("30").value() == Rational{30, 1});
  CHECK(parse_rational("30000/1001").value() == Rational{30000, 1001});
  CHECK(parse_rational("60/2").value() == Rational{30, 1});
  CHECK_FALSE(parse_rational("29.97").ok());
  CHECK_FALSE(parse_rational("0").ok());
  CHECK_FALSE(parse_rational("30/0").ok());
  CHECK_FALSE(parse_rational("-30").ok());
  CHECK_FALSE(parse_rational("").ok());
  CHECK_FALSE(parse_rational("30/").ok());
}

TEST_CASE("frame times are exact at integer rates") {
  const Rational fps{30, 1};
  CHECK(frame_time(0, fps) == 0.0);
  CHECK(frame_time(30, fps) == 1.0);
  CHECK(frame_time(45, fps) == 1.5);
}

TEST_CASE("NTSC rates: 30000/1001") {
  const Rational fps{30000, 1001};
  CHECK(frame_time(30000, fps) == Approx(1001.0));
  // One minute of video at 29.97 is 1798.2 frames: round to 1798.
  CHECK(frame_count(60.0, fps) == 1798);
  CHECK(frame_count(1001.0, fps) == 30000);
  // Frame 1 is at 1001/30000 s; a time exactly there belongs to frame 1.
  CHECK(first_frame_at_or_after(1001.0 / 30000.0, fps) == 1);
  CHECK(first_frame_at_or_after(1001.0 / 30000.0 + 1e-6, fps) == 2);
  // Rounding noise around a frame time does not skip a frame.
  CHECK(first_frame_at_or_after(frame_time(12345, fps), fps) == 12345);
}

TEST_CASE("frame counts round half away") {
  CHECK(frame_count(1.0, Rational{30, 1}) == 30);
  CHECK(frame_count(0.05, Rational{30, 1}) == 2);   // 1.5 frames
  CHECK(frame_count(0.016, Rational{30, 1}) == 0);  // 0.48 frames
}
