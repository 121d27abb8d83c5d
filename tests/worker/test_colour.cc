// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

extern "C" {
#include <libavutil/frame.h>
}

#include "common/av_ptr.h"
#include "worker/colour_convert.h"
#include "worker/picture.h"

using namespace chunkreel;

namespace {

FramePtr frame_of(int w, int h) {
  FramePtr frame = make_frame();
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = w;
  frame->height = h;
  REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
  return frame;
}

}  // namespace

TEST_CASE("BT.709 limited-range formula at known points") {
  double y, cb, cr;
  bt709_limited(255, 255, 255, &y, &cb, &cr);
  CHECK(y == Approx(235));
  CHECK(cb == Approx(128));
  CHECK(cr == Approx(128));
  bt709_limited(0, 0, 0, &y, &cb, &cr);
  CHECK(y == Approx(16));
  bt709_limited(255, 0, 0, &y, &cb, &cr);
  CHECK(y == Approx(16 + 219 * 0.2126));
  CHECK(cr == Approx(240));
  bt709_limited(0, 0, 255, &y, &cb, &cr);
  CHECK(cb == Approx(240));
}

TEST_CASE("solid patches quantise within one level of the formula") {
  struct Patch { int r, g, b; };
  for (Patch p : {Patch{255, 0, 0}, Patch{0, 255, 0}, Patch{0, 0, 255}, Patch{128, 128, 128},
                  Patch{230, 200, 40}, Patch{12, 10, 14}}) {
    Picture picture;
    picture.resize(16, 16);
    const YCbCr v = to_ycbcr(p.r / 255.0f, p.g / 255.0f, p.b / 255.0f);
    std::fill(picture.y.data.begin(), picture.y.data.end(), v.y);
    std::fill(picture.cb.data.begin(), picture.cb.data.end(), v.cb);
    std::fill(picture.cr.data.begin(), picture.cr.data.end(), v.cr);
    FramePtr frame = frame_of(16, 16);
    quantise_to_frame(picture, frame.get());
    double y, cb, cr;
    bt709_limited(p.r, p.g, p.b, &y, &cb, &cr);
    for (int row = 0; row < 16; ++row)
      for (int x = 0; x < 16; ++x) CHECK(std::abs(frame->data[0][row * frame->linesize[0] + x] - y) <= 1.0);
    for (int row = 0; row < 8; ++row) {
      for (int x = 0; x < 8; ++x) {
        CHECK(std::abs(frame->data[1][row * frame->linesize[1] + x] - cb) <= 1.0);
        CHECK(std::abs(frame->data[2][row * frame->linesize[2] + x] - cr) <= 1.0);
      }
    }
  }
}

TEST_CASE("a shallow gradient is dithered and not banded") {
  // 0.3 levels of change across 64 pixels: plain rounding gives one flat value.
  Picture picture;
  picture.resize(64, 8);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 64; ++x) picture.y.row(y)[x] = ((100.2f + 0.3f * x / 64) - 16) / 219;
  FramePtr frame = frame_of(64, 8);
  quantise_to_frame(picture, frame.get());
  double mean_left = 0, mean_right = 0;
  bool two_values = false;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) {
      mean_left += frame->data[0][y * frame->linesize[0] + x];
      mean_right += frame->data[0][y * frame->linesize[0] + 48 + x];
      two_values |= frame->data[0][y * frame->linesize[0] + x] != frame->data[0][x];
    }
  mean_left /= 128;
  mean_right /= 128;
  // The average follows the true value to well under a level.
  CHECK(two_values);
  CHECK(mean_left == Approx(100.2 + 0.3 * 8 / 64).margin(0.15));
  CHECK(mean_right > mean_left);
}
