// SPDX-License-Identifier: GPL-2.0-or-later
// The photo loader's reduced-scale JPEG decode against the full decode.

#include <catch2/catch.hpp>

#include <cmath>

#include "tests/test_support.h"
#include "worker/image_loader.h"

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
