// SPDX-License-Identifier: GPL-2.0-or-later
// The photo loader's reduced-scale JPEG decode against the full decode.

#include <catch2/catch.hpp>

#include <cmath>

#include "tests/test_support.h"
#include "worker/image_loader.h"
#include "worker/thread_cpu.h"

using namespace chunkreel;

namespace {

// Luma sample (x, y) of a loaded picture, in [0, 1].
double luma(const SourcePicture& p, int x, int y) { return p.y.value(x, y); }

// Mean absolute Laplacian of the luma: how much fine detail survives.
double detail(const SourcePicture& p) {
  double sum = 0;
  for (int y = 1; y + 1 < p.y.height; ++y)
    for (int x = 1; x + 1 < p.y.width; ++x)
      sum += std::fabs(4 * luma(p, x, y) - luma(p, x - 1, y) - luma(p, x + 1, y) - luma(p, x, y - 1) -
                       luma(p, x, y + 1));
  return sum / ((p.y.width - 2.0) * (p.y.height - 2.0));
}

double psnr(const SourcePicture& a, const SourcePicture& b) {
  double squares = 0;
  for (int y = 0; y < a.y.height; ++y)
    for (int x = 0; x < a.y.width; ++x) squares += std::pow(luma(a, x, y) - luma(b, x, y), 2);
  return 10 * std::log10(1.0 / (squares / (double(a.y.width) * a.y.height)));
}

}  // namespace

TEST_CASE("a JPEG decoded at reduced scale keeps the sharpness of the full decode") {
  test::TempDir dir;
  const std::string photo = dir / "big.jpg";
  // Fine detail everywhere: a test pattern under noise.
  test::make_photo(photo, "4000x3000", "-q:v 2");
  // Full decode (1600 wide needs all of it), 1/2-scale decodes, and the
  // ratios in between.
  for (const auto& [w, h] : {std::pair{1600, 1200}, std::pair{960, 720}, std::pair{1000, 750}, std::pair{480, 360}}) {
    ImageRequest request;
    request.path = photo;
    request.target_width = w;
    request.target_height = h;
    auto reduced = load_image(request);
    request.reduced_decode = false;
    auto full = load_image(request);
    REQUIRE(reduced.ok());
    REQUIRE(full.ok());
    const double d_reduced = detail(reduced.value()), d_full = detail(full.value());
    const double p = psnr(reduced.value(), full.value());
    INFO(w << "x" << h << ": detail " << d_reduced << " against " << d_full << ", PSNR " << p << " dB");
    CHECK(d_reduced >= 0.97 * d_full);
    CHECK(p >= 45);
  }
}

// The worker counts a photo's decode by its loading thread's CPU clock, so
// every part of the decode must run on that thread. libheif decodes a grid's
// tiles on threads of its own unless told not to; that CPU then went
// uncounted (and was reported as encoding).
TEST_CASE("a HEIC grid decodes on the loading thread, where its CPU is counted") {
  test::TempDir dir;
  test::make_photo(dir / "source.png", "2048x1536", "-pix_fmt rgb24");
  test::make_heic_grid(dir / "source.png", dir / "grid.heic", 8, 14);
  ImageRequest request;
  request.path = dir / "grid.heic";
  request.target_width = 1024;
  request.target_height = 768;
  const double thread_start = thread_cpu_seconds();
  const double process_start = process_cpu_seconds();
  for (int i = 0; i < 3; ++i) REQUIRE(load_image(request).ok());
  const double on_thread = thread_cpu_seconds() - thread_start;
  const double in_process = process_cpu_seconds() - process_start;
  INFO("loading thread " << on_thread << " CPU-s of the process's " << in_process);
  REQUIRE(in_process > 0.05);
  CHECK(on_thread >= 0.9 * in_process);
}
