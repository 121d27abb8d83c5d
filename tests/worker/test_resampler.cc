// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "common/av_ptr.h"
#include "worker/colour_convert.h"
#include "worker/resampler.h"
#include "worker/simd.h"

using namespace chunkreel;

namespace {

Plane pattern(int w, int h, float (*f)(int, int)) {
  Plane plane;
  plane.resize(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) plane.row(y)[x] = f(x, y);
  return plane;
}

Plane run_resample(const Plane& src, int out_w, int out_h, double x, double y, double w, double h,
                   EdgeMode edge, float background = 0, float high = 1) {
  FilterBank fx, fy;
  make_filter_bank(src.width, out_w, x, w, Kernel::k_catmull_rom, edge, &fx);
  make_filter_bank(src.height, out_h, y, h, Kernel::k_catmull_rom, edge, &fy);
  Plane out;
  out.resize(out_w, out_h);
  ResampleScratch scratch;
  resample(BlockedPlane::from(src, 0, high), fx, fy, background, &scratch, &out);
  return out;
}

}  // namespace

TEST_CASE("filter weights sum to one and stay inside the source") {
  FilterBank bank;
  for (double scale : {0.3, 1.0, 1.7, 6.0}) {
    make_filter_bank(500, 100, 3.25, 100 * scale, Kernel::k_lanczos3, EdgeMode::k_clamp, &bank);
    for (int i = 0; i < 100; ++i) {
      double sum = 0;
      for (int t = 0; t < bank.taps; ++t) sum += bank.weights[i * bank.taps + t];
      CHECK(sum == 1.0);  // whole units of 1/k_unit, so exactly
      CHECK(bank.first[i] >= 0);
      CHECK(bank.first[i] + bank.taps <= 500);
    }
  }
}

// The horizontal pass's integer pairs are the float weights, laid over the
// column pairs the output's taps fall in; and where the edge is
// transparent, the coverage is what the weights add up to.
TEST_CASE("filter weights in pairs of columns are the weights, in whole units") {
  FilterBank bank;
  for (EdgeMode edge : {EdgeMode::k_clamp, EdgeMode::k_transparent})
    for (double scale : {0.45, 1.0, 1.25, 2.7}) {
      make_filter_bank(301, 120, -20.5, 120 * scale, Kernel::k_catmull_rom, edge, &bank);
      REQUIRE(bank.pair_weights.size() == 120u * bank.pairs());
      for (int i = 0; i < 120; ++i) {
        std::vector<int> slots(2 * bank.pairs());
        for (int p = 0; p < bank.pairs(); ++p) {
          const int32_t pair = bank.pair_weights[i * bank.pairs() + p];
          slots[2 * p] = static_cast<int16_t>(pair & 0xFFFF);
          slots[2 * p + 1] = static_cast<int16_t>(pair >> 16);
        }
        std::vector<int> expected(2 * bank.pairs());
        double sum = 0;
        for (int t = 0; t < bank.taps; ++t) {
          const float w = bank.weights[i * bank.taps + t];
          CHECK(w * FilterBank::k_unit == std::round(w * FilterBank::k_unit));
          expected[bank.first[i] % 2 + t] = static_cast<int>(w * FilterBank::k_unit);
          sum += w;
        }
        CHECK(slots == expected);
        CHECK(bank.coverage[i] == static_cast<float>(sum));
      }
    }
}

namespace {

double catmull_rom_at(double x) {
  x = std::fabs(x);
  if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

// make_filter_bank's weights by their definition, one output at a time with
// nothing shared: the kernel at each source sample strictly inside the
// output's reach, normalised to sum to 1; clamped onto the edge or dropped
// (transparent) outside the source; laid onto the `taps` samples from
// `first`; rounded to whole units, the rounding's sum going onto the
// largest. Returns the whole units, tap by tap, and `first`.
std::vector<int> defined_units(int source, int output, double start, double size, EdgeMode edge, double offset,
                               int i, int taps, int* first) {
  const double step = size / output;
  const double stretch = std::max(1.0, step);
  const double radius = 2 * stretch;
  const double u = start + (i + offset) * step - 0.5;
  const int lo = static_cast<int>(std::floor(u - radius)) + 1;
  const int hi = std::min(static_cast<int>(std::ceil(u + radius)) - 1, lo + static_cast<int>(std::ceil(2 * radius)));
  double total = 0;
  for (int j = lo; j <= hi; ++j) total += catmull_rom_at((j - u) / stretch);
  *first = std::clamp(lo, 0, source - taps);
  std::vector<double> exact(taps, 0.0);
  double inside = 0;
  for (int j = lo; j <= hi; ++j) {
    const double weight = catmull_rom_at((j - u) / stretch) / (total == 0 ? 1.0 : total);
    if ((j < 0 || j >= source) && edge == EdgeMode::k_transparent) continue;
    const int t = std::clamp(j, 0, source - 1) - *first;
    if (t < 0 || t >= taps) continue;
    exact[t] += weight;
    inside += weight;
  }
  const int k_unit = FilterBank::k_unit;
  auto units = [&](double v) { return static_cast<int>(std::floor(v * k_unit + 0.5)); };
  std::vector<int> out(taps);
  int sum = 0, largest = 0;
  for (int t = 0; t < taps; ++t) {
    out[t] = units(exact[t]);
    sum += out[t];
    if (std::abs(out[t]) > std::abs(out[largest])) largest = t;
  }
  out[largest] += (edge == EdgeMode::k_transparent ? units(inside) : k_unit) - sum;
  return out;
}

}  // namespace

// make_filter_bank keeps a fast path for outputs whose reach lies inside the
// source; whatever path an output takes, its weights must be the defined
// ones. (The definition divides where the bank multiplies by inverses, so a
// weight may sit a last bit apart and round to a neighbouring unit: one
// unit of 1/16384 is allowed, in one output in a thousand at most, and the
// sum must still be exact.)
TEST_CASE("filter banks give each output its defined weights, inside the source and at its edges") {
  std::mt19937 random(15);
  std::uniform_real_distribution<double> unit_interval(0, 1);
  FilterBank bank;
  int outputs = 0, off_by_one = 0;
  for (int round = 0; round < 400; ++round) {
    const int source = round % 4 == 0 ? 1 + static_cast<int>(random() % 12) : 20 + static_cast<int>(random() % 900);
    const int output = 1 + static_cast<int>(random() % 300);
    const double size = output * std::exp((unit_interval(random) - 0.5) * 4);
    const double start = (unit_interval(random) * 1.4 - 0.2) * source - 0.2 * size;
    const EdgeMode edge = round % 2 ? EdgeMode::k_transparent : EdgeMode::k_clamp;
    const double offset = round % 3 ? 0.5 : 0.25;
    make_filter_bank(source, output, start, size, Kernel::k_catmull_rom, edge, &bank, offset);
    for (int i = 0; i < output; ++i, ++outputs) {
      int first = 0;
      const std::vector<int> defined = defined_units(source, output, start, size, edge, offset, i, bank.taps, &first);
      REQUIRE(bank.first[i] == first);
      int sum = 0, defined_sum = 0;
      for (int t = 0; t < bank.taps; ++t) {
        const int got = static_cast<int>(bank.weights[static_cast<size_t>(i) * bank.taps + t] * FilterBank::k_unit);
        REQUIRE(std::abs(got - defined[t]) <= 1);
        off_by_one += got != defined[t];
        sum += got;
        defined_sum += defined[t];
      }
      REQUIRE(sum == defined_sum);
    }
  }
  CHECK(outputs > 50000);
  CHECK(off_by_one < outputs / 1000);
}

TEST_CASE("blocked planes keep every sample to 16 bits, in pairs of columns, and pad with the last row") {
  Plane src = pattern(5, 11, [](int x, int y) { return float(100 * y + x); });
  BlockedPlane b = BlockedPlane::from(src, 0, 2000);
  // Sample (x, 8 * block + r) is at 16 * (x / 2) + 2 * r + x % 2 of its block.
  auto value = [&](int block, int at) { return b.block(block)[at] * b.scale + b.offset; };
  CHECK(b.blocks() == 2);
  CHECK(b.pairs() == 4);  // columns 0-4 in three pairs, and one pair of room past them
  CHECK(value(1, 16 * 1 + 2 * 2 + 1) == Approx(1003).margin(0.02));  // x 3, row 10
  CHECK(value(1, 16 * 1 + 2 * 7 + 1) == Approx(1003).margin(0.02));  // row 15 repeats row 10
  CHECK(value(0, 16 * 2 + 2 * 5) == Approx(504).margin(0.02));
  CHECK(b.value(4, 5) == Approx(504).margin(0.02));
  CHECK(value(0, 16 * 2 + 2 * 5 + 1) == b.offset);  // past the right edge: sample 0
  // The ends of the range are the ends of the 16-bit samples.
  CHECK(b.code(0.0f) == -32768);
  CHECK(b.code(2000.0f) == 32767);
  BlockedPlane chroma = BlockedPlane::from(pattern(4, 4, [](int x, int) { return x * 0.3f - 0.45f; }), -0.5f, 0.5f);
  CHECK(chroma.block(0)[16 + 1] * chroma.scale + chroma.offset == Approx(0.45).margin(1e-4));
}

TEST_CASE("a whole-pixel window at scale 1 reproduces the source") {
  Plane src = pattern(40, 30, [](int x, int y) { return float((x * 7 + y * 13) % 17) / 17; });
  Plane out = run_resample(src, 20, 10, 5, 7, 20, 10, EdgeMode::k_clamp);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) CHECK(out.row(y)[x] == Approx(src.row(y + 7)[x + 5]).margin(2e-5));
}

TEST_CASE("a sub-pixel shift moves a linear ramp by exactly that much") {
  Plane src = pattern(64, 20, [](int x, int y) { return float(x) / 128 + float(y) / 512; });
  Plane out = run_resample(src, 32, 10, 10.3, 4.6, 32, 10, EdgeMode::k_clamp);
  for (int y = 2; y < 8; ++y)
    for (int x = 0; x < 32; ++x) CHECK(out.row(y)[x] == Approx((x + 10.3) / 128 + (y + 4.6) / 512).margin(2e-5));
}

TEST_CASE("downscaling a fine checkerboard averages instead of aliasing") {
  Plane src = pattern(400, 400, [](int x, int y) { return float((x + y) % 2); });
  // 400 -> 37 samples: a point sampler would show a strong beat pattern.
  Plane out = run_resample(src, 37, 37, 0, 0, 400, 400, EdgeMode::k_clamp);
  for (int y = 2; y < 35; ++y)
    for (int x = 2; x < 35; ++x) CHECK(out.row(y)[x] == Approx(0.5).margin(0.02));
}

TEST_CASE("transparent edges fill with the background") {
  Plane src = pattern(10, 10, [](int, int) { return 1.0f; });
  // A window twice the image's width, centred: a quarter of the output each side is background.
  Plane out = run_resample(src, 40, 20, -5, 0, 20, 10, EdgeMode::k_transparent, 0.25f);
  CHECK(out.row(10)[2] == Approx(0.25).margin(1e-4));
  CHECK(out.row(10)[20] == Approx(1.0).margin(1e-4));
  CHECK(out.row(10)[37] == Approx(0.25).margin(1e-4));
}

TEST_CASE("left-sited chroma samples sit on even luma columns") {
  // A ramp in luma-pixel units: chroma sample i must read the value at luma
  // position 2i + 0.5 (the centre of luma column 2i).
  SourcePicture source;
  Plane luma = pattern(64, 16, [](int x, int) { return float(x + 0.5); });
  Plane chroma = pattern(32, 8, [](int x, int) { return float(2 * x + 1); });  // centres of 2x2 cells
  source.y = BlockedPlane::from(luma, 0, 100);
  source.cb = BlockedPlane::from(chroma, 0, 100);
  source.cr = BlockedPlane::from(chroma, 0, 100);
  Picture out;
  out.resize(32, 8);
  PictureFilters filters;
  resample_picture(source, 16, 4, 32, 8, EdgeMode::k_clamp, YCbCr{0, 0, 0}, nullptr, &filters, &out);
  for (int x = 2; x < 30; ++x) CHECK(out.y.row(4)[x] == Approx(16 + x + 0.5).margin(3e-3));
  for (int i = 1; i < 15; ++i) CHECK(out.cb.row(2)[i] == Approx(16 + 2 * i + 0.5).margin(3e-3));
}

// The AVX2 forms of the passes and of the quantiser must give the portable
// forms' bits (worker/simd.h): render farms mix CPUs, and chunks from both
// kinds of node are joined into one film. Sizes that are not multiples of
// eight exercise the tails; zoom in, zoom out and a letterboxed window with
// a backdrop exercise every tap count and the coverage fill.
TEST_CASE("the AVX2 and portable forms of the renderer's loops give the same bits") {
  if (!use_avx2()) WARN("this CPU has no AVX2: the comparison runs the portable form twice");
  Picture noisy;
  noisy.resize(1001, 777);
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / static_cast<float>(1 << 24);
  };
  for (int plane = 0; plane < 3; ++plane)
    for (float& v : noisy.plane(plane).data) v = plane == 0 ? next() : next() - 0.5f;
  const SourcePicture source = SourcePicture::from(noisy);
  Picture backdrop;
  backdrop.resize(333, 187);
  for (int plane = 0; plane < 3; ++plane)
    for (float& v : backdrop.plane(plane).data) v = plane == 0 ? next() : next() - 0.5f;

  struct Window {
    double x, y, w, h;
    EdgeMode edge;
    const Picture* backdrop;
  };
  const Window windows[] = {
      {10.25, 20.5, 900.0, 505.0, EdgeMode::k_clamp, nullptr},    // reduce by 2.7: 11 taps
      {300.1, 200.7, 250.0, 140.0, EdgeMode::k_clamp, nullptr},   // enlarge: 4 taps
      {0.0, 0.0, 1001.0, 777.0, EdgeMode::k_clamp, nullptr},      // the whole picture
      {-200.0, -10.0, 1401.0, 788.0, EdgeMode::k_transparent, &backdrop},
      {-50.0, -300.0, 1101.0, 1377.0, EdgeMode::k_transparent, nullptr},
  };
  for (const Window& w : windows) {
    std::vector<uint8_t> bytes[2];
    for (int form = 0; form < 2; ++form) {
      allow_avx2(form == 1);
      FramePtr frame = make_frame();
      frame->format = AV_PIX_FMT_YUV420P;
      frame->width = 333;
      frame->height = 187;
      REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
      const FrameQuantiser quantiser(333, 187);
      PictureFilters filters;
      resample_picture_rows(source, w.x, w.y, w.w, w.h, w.edge, YCbCr{0.2f, 0.1f, -0.1f}, w.backdrop, &filters,
                            333, 187, [&](int plane, int y, float* row) { quantiser.row(plane, y, row, frame.get()); });
      for (int plane = 0; plane < 3; ++plane)
        for (int y = 0; y < (plane ? 94 : 187); ++y) {
          const uint8_t* row = frame->data[plane] + static_cast<ptrdiff_t>(y) * frame->linesize[plane];
          bytes[form].insert(bytes[form].end(), row, row + (plane ? 167 : 333));
        }
    }
    allow_avx2(true);
    INFO("window " << w.x << ", " << w.y << ", " << w.w << " x " << w.h);
    CHECK(bytes[0] == bytes[1]);
  }
}
