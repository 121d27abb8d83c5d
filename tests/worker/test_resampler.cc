#include <catch2/catch.hpp>

#include <cmath>

#include "worker/resampler.h"

using namespace chunkreel;

namespace {

PlanarImage pattern(int w, int h, float (*f)(int, int)) {
  PlanarImage img;
  img.resize(w, h);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.row(c, y)[x] = f(x, y);
  return img;
}

PlanarImage run_resample(const PlanarImage& src, int out_w, int out_h, double x, double y,
                         double w, double h, EdgeMode edge, const float bg[3]) {
  FilterBank fx, fy;
  make_filter_bank(src.width, out_w, x, w, Kernel::k_catmull_rom, edge, &fx);
  make_filter_bank(src.height, out_h, y, h, Kernel::k_catmull_rom, edge, &fy);
  PlanarImage out;
  out.resize(out_w, out_h);
  ResampleScratch scratch;
  resample(src, fx, fy, bg, &scratch, &out);
  return out;
}

const float k_black[3] = {0, 0, 0};

}  // namespace

TEST_CASE("filter weights sum to one and stay inside the source") {
  FilterBank bank;
  for (double scale : {0.3, 1.0, 1.7, 6.0}) {
    make_filter_bank(500, 100, 3.25, 100 * scale, Kernel::k_lanczos3, EdgeMode::k_clamp, &bank);
    for (int i = 0; i < 100; ++i) {
      double sum = 0;
      for (int t = 0; t < bank.taps; ++t) sum += bank.weights[i * bank.taps + t];
      CHECK(sum == Approx(1.0).margin(1e-5));
      CHECK(bank.first[i] >= 0);
      CHECK(bank.first[i] + bank.taps <= 500);
    }
  }
}

TEST_CASE("a whole-pixel window at scale 1 reproduces the source") {
  PlanarImage src = pattern(40, 30, [](int x, int y) { return float((x * 7 + y * 13) % 17) / 17; });
  PlanarImage out = run_resample(src, 20, 10, 5, 7, 20, 10, EdgeMode::k_clamp, k_black);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) CHECK(out.row(0, y)[x] == Approx(src.row(0, y + 7)[x + 5]).margin(1e-5));
}

TEST_CASE("a sub-pixel shift moves a linear ramp by exactly that much") {
  PlanarImage src = pattern(64, 8, [](int x, int) { return float(x) / 64; });
  PlanarImage out = run_resample(src, 32, 8, 10.3, 0, 32, 8, EdgeMode::k_clamp, k_black);
  for (int x = 0; x < 32; ++x) CHECK(out.row(0, 4)[x] == Approx((x + 10.3) / 64).margin(1e-5));
}

TEST_CASE("downscaling a fine checkerboard averages instead of aliasing") {
  PlanarImage src = pattern(400, 400, [](int x, int y) { return float((x + y) % 2); });
  // 400 -> 37 pixels: a point sampler would show a strong beat pattern.
  PlanarImage out = run_resample(src, 37, 37, 0, 0, 400, 400, EdgeMode::k_clamp, k_black);
  for (int y = 2; y < 35; ++y)
    for (int x = 2; x < 35; ++x) CHECK(out.row(1, y)[x] == Approx(0.5).margin(0.02));
}

TEST_CASE("transparent edges fill with the background colour") {
  PlanarImage src = pattern(10, 10, [](int, int) { return 1.0f; });
  const float grey[3] = {0.25f, 0.25f, 0.25f};
  // A window twice the image's width, centred: a quarter of the output each side is background.
  PlanarImage out = run_resample(src, 40, 20, -5, 0, 20, 10, EdgeMode::k_transparent, grey);
  CHECK(out.row(0, 10)[2] == Approx(0.25).margin(1e-4));
  CHECK(out.row(0, 10)[20] == Approx(1.0).margin(1e-4));
  CHECK(out.row(0, 10)[37] == Approx(0.25).margin(1e-4));
}
