#include <catch2/catch.hpp>

extern "C" {
#include <libavutil/frame.h>
}

#include "common/av_ptr.h"
#include "worker/colour_convert.h"
#include "worker/planar_image.h"

using namespace chunkreel;

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

TEST_CASE("solid patches convert within one level of the formula") {
  struct Patch { int r, g, b; };
  for (Patch p : {Patch{255, 0, 0}, Patch{0, 255, 0}, Patch{0, 0, 255}, Patch{128, 128, 128},
                  Patch{230, 200, 40}, Patch{12, 10, 14}}) {
    PlanarImage img;
    img.resize(16, 16);
    for (int c = 0; c < 3; ++c)
      std::fill(img.planes[c].begin(), img.planes[c].end(), (c == 0 ? p.r : c == 1 ? p.g : p.b) / 255.0f);
    FramePtr frame = make_frame();
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = 16;
    frame->height = 16;
    REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
    convert_to_yuv420(img, frame.get());
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
  PlanarImage img;
  img.resize(64, 8);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 64; ++x) img.row(c, y)[x] = (100.2f + 0.3f * x / 64) / 255.0f;
  FramePtr frame = make_frame();
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = 64;
  frame->height = 8;
  REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
  convert_to_yuv420(img, frame.get());
  double mean_left = 0, mean_right = 0;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) {
      mean_left += frame->data[0][y * frame->linesize[0] + x];
      mean_right += frame->data[0][y * frame->linesize[0] + 48 + x];
    }
  mean_left /= 128;
  mean_right /= 128;
  // The average follows the true value to well under a level.
  double y, cb, cr;
  bt709_limited(100.2 + 0.3 * 8 / 64, 100.2 + 0.3 * 8 / 64, 100.2 + 0.3 * 8 / 64, &y, &cb, &cr);
  CHECK(mean_left == Approx(y).margin(0.15));
  CHECK(mean_right > mean_left);
}
