// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "common/av_ptr.h"
#include "worker/colour_convert.h"
#include "worker/resampler.h"
#include "worker/simd.h"
#include "worker/tap_quantiser.h"

using namespace chunkreel;

namespace {

// Odd output sizes, so that every row has a tail past the AVX2 form's runs
// of 64 and 32 samples (333 luma, 167 chroma samples a row).
constexpr int k_w = 333, k_h = 187;

SourcePicture noise(uint32_t seed) {
  Picture picture;
  picture.resize(1001, 777);
  for (int plane = 0; plane < 3; ++plane)
    for (float& v : picture.plane(plane).data) {
      seed = seed * 1664525u + 1013904223u;
      const float unit = static_cast<float>(seed >> 8) / static_cast<float>(1 << 24);
      v = plane == 0 ? unit : unit - 0.5f;
    }
  return SourcePicture::from(picture);
}

FramePtr blank_frame() {
  FramePtr frame = make_frame();
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = k_w;
  frame->height = k_h;
  REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
  return frame;
}

std::vector<uint8_t> bytes_of(const AVFrame* frame) {
  std::vector<uint8_t> bytes;
  for (int plane = 0; plane < 3; ++plane)
    for (int y = 0; y < (plane ? (k_h + 1) / 2 : k_h); ++y) {
      const uint8_t* row = frame->data[plane] + static_cast<ptrdiff_t>(y) * frame->linesize[plane];
      bytes.insert(bytes.end(), row, row + (plane ? (k_w + 1) / 2 : k_w));
    }
  return bytes;
}

struct Window {
  double x, y, w, h;
};

// Windows of the two pictures that give the tap counts the AVX2 form
// unrolls (4 and 5 alone, 8 and 10 mixed) and others (11, 12 and more).
const Window k_windows[][2] = {
    {{300.1, 200.7, 250.0, 140.0}, {10.0, 30.0, 200.0, 112.0}},    // enlarge: 4 taps each
    {{100.3, 50.2, 416.0, 234.0}, {120.9, 80.4, 410.0, 231.0}},    // reduce by 1.25: 5 taps
    {{10.25, 20.5, 900.0, 505.0}, {0.0, 0.0, 1001.0, 777.0}},      // reduce by 2.7 and 3: 11 and 13 taps
};

// The mixes the renderer hands the tap quantiser: a slide alone, a
// crossfade, a dip to the background colour (one slide and a constant).
struct Mix {
  int count;
  float mix[2];
  float constant;
};
const Mix k_mixes[] = {{1, {1.0f, 0.0f}, 0.0f}, {2, {0.35f, 0.65f}, 0.0f}, {2, {0.0f, 0.6f}, 0.08f}};

// The frame from the tap quantiser, or from the three passes it replaces
// (next_row, the mix, FrameQuantiser::row).
std::vector<uint8_t> render(const SourcePicture* sources, const Window* windows, const Mix& mix, bool fused) {
  const FrameQuantiser quantiser(k_w, k_h);
  TapQuantiser taps(&quantiser);
  FramePtr frame = blank_frame();
  PictureFilters filters[2];
  for (int s = 0; s < mix.count; ++s)
    plan_picture_filters(sources[s], windows[s].x, windows[s].y, windows[s].w, windows[s].h, EdgeMode::k_clamp, k_w,
                         k_h, &filters[s]);
  const YCbCr none{0, 0, 0};
  std::vector<float> mixed;
  for (int plane = 0; plane < 3; ++plane) {
    std::vector<RowResampler> rows;
    for (int s = 0; s < mix.count; ++s)
      rows.push_back(plane_rows(sources[s], plane, none, nullptr, &filters[s], fused));
    for (RowResampler& r : rows) REQUIRE(r.short_rows() == fused);
    for (int y = 0; y < rows[0].height(); ++y) {
      if (fused) {
        RowTaps row_taps[2];
        for (int s = 0; s < mix.count; ++s) row_taps[s] = rows[s].next_taps();
        taps.row(plane, y, row_taps, mix.mix, mix.count, mix.constant, frame.get());
        continue;
      }
      mixed.assign(static_cast<size_t>(rows[0].width()), mix.constant);
      for (int s = 0; s < mix.count; ++s) {
        const float* row = rows[s].next_row();
        for (size_t x = 0; x < mixed.size(); ++x) mixed[x] += mix.mix[s] * row[x];
      }
      quantiser.row(plane, y, mixed.data(), frame.get());
    }
  }
  return bytes_of(frame.get());
}

}  // namespace

// The fused pass works in 16-bit integers: the ring keeps the horizontal
// sums to 1/2^15 of the plane's range, the weights are even numbers of
// 1/64 of a code, and each tap's product is rounded to 1/64 of a code, so
// a sum can stray from the float passes' by a few hundredths of a code. A
// sample lying that close to a code's edge lands one level away: on noise,
// 0.7-2.0% of them measured (more with more taps), under 3% asserted;
// never more than a level.
TEST_CASE("rows quantised from 16-bit taps are the float passes' rows, within one level") {
  const SourcePicture sources[2] = {noise(12345), noise(777)};
  for (const auto& windows : k_windows)
    for (const Mix& mix : k_mixes) {
      const std::vector<uint8_t> fused = render(sources, windows, mix, true);
      const std::vector<uint8_t> passes = render(sources, windows, mix, false);
      REQUIRE(fused.size() == passes.size());
      size_t apart = 0;
      int largest = 0;
      for (size_t i = 0; i < fused.size(); ++i) {
        const int d = std::abs(fused[i] - passes[i]);
        apart += d != 0;
        largest = std::max(largest, d);
      }
      INFO("window " << windows[0].w << " x " << windows[0].h << ", " << mix.count << " source(s), " << apart
                     << " of " << fused.size() << " samples apart");
      CHECK(largest <= 1);
      CHECK(apart * 33 < fused.size());
    }
}

// As for the other loops (worker/simd.h): both forms, the same bits.
TEST_CASE("the AVX2 and portable forms of the tap quantiser give the same bits") {
  if (!use_avx2()) WARN("this CPU has no AVX2: the comparison runs the portable form twice");
  const SourcePicture sources[2] = {noise(12345), noise(777)};
  for (const auto& windows : k_windows)
    for (const Mix& mix : k_mixes) {
      allow_avx2(false);
      const std::vector<uint8_t> portable = render(sources, windows, mix, true);
      allow_avx2(true);
      const std::vector<uint8_t> avx2 = render(sources, windows, mix, true);
      INFO("window " << windows[0].w << " x " << windows[0].h << ", " << mix.count << " source(s)");
      CHECK(portable == avx2);
    }
}

// Rows with a caption on them come from a 16-bit ring through next_row():
// the same values as a float ring's, to the ring's precision (2^-15 of the
// range a sum, a few of them a sample), and the same bits on both forms.
TEST_CASE("a 16-bit ring's rows are a float ring's, to its precision, on both forms") {
  const SourcePicture source = noise(4242);
  for (const auto& windows : k_windows) {
    const Window& w = windows[0];
    PictureFilters filters;
    plan_picture_filters(source, w.x, w.y, w.w, w.h, EdgeMode::k_clamp, k_w, k_h, &filters);
    for (int plane = 0; plane < 3; ++plane) {
      std::vector<float> rows[3];
      for (int form = 0; form < 3; ++form) {
        allow_avx2(form != 1);
        RowResampler r = plane_rows(source, plane, YCbCr{0, 0, 0}, nullptr, &filters, form > 0);
        REQUIRE(r.short_rows() == (form > 0));
        for (int y = 0; y < r.height(); ++y) {
          const float* row = r.next_row();
          rows[form].insert(rows[form].end(), row, row + r.width());
        }
      }
      allow_avx2(true);
      double largest = 0;
      for (size_t i = 0; i < rows[0].size(); ++i) largest = std::max(largest, std::fabs(double(rows[0][i]) - rows[2][i]));
      INFO("window " << w.w << " x " << w.h << ", plane " << plane);
      CHECK(largest < 2e-4);
      CHECK(largest > 0);  // the ring really was 16-bit
      CHECK(rows[1] == rows[2]);
    }
  }
}
