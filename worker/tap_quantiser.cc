// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/tap_quantiser.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <immintrin.h>

extern "C" {
#include <libavutil/frame.h>
}

#include "worker/simd.h"

namespace chunkreel {
namespace {

// The pass works in 16-bit integers, in units of 1/64 of an output code:
// per tap, a rounding multiply of a ring sample by its weight that keeps
// the high half (pmulhrsw: (a * b + 2^14) >> 15), summed with the start
// and the dither pattern; the code is that sum over 64, clamped to 0..255.
// Integer operations leave no room for the two forms to differ. Every sum
// stays within int16: a ring sample is at most about 1.3 x 2^14 (the
// kernels' ringing), its weight at most about 1.1 x 14,336, so a term is
// about 10,000 in magnitude, the taps' sum (ringing once more) under
// 14,000, and a whole sum, with the start (under 7,200) and the pattern (at
// most 8,255), under 30,000.
constexpr int k_fraction_bits = 6;
constexpr float k_fraction = 1 << k_fraction_bits;

inline int16_t rounded_product(int16_t a, int16_t b) {
  return static_cast<int16_t>((static_cast<int32_t>(a) * b + (1 << 14)) >> 15);
}

inline uint8_t code_of(const int16_t* const* rows, const int16_t* w, int n, int16_t start, int16_t pattern, int x) {
  int16_t acc = start;
  for (int j = 0; j < n; ++j) acc = static_cast<int16_t>(acc + rounded_product(rows[j][x], w[j]));
  return static_cast<uint8_t>(std::clamp((acc + pattern) >> k_fraction_bits, 0, 255));
}

void codes_portable(const int16_t* const* rows, const int16_t* w, int n, int16_t start, const int16_t* pattern,
                    int begin, int width, uint8_t* out) {
  for (int x = begin; x < width; ++x) out[x] = code_of(rows, w, n, start, pattern[x], x);
}

// 32 codes from two vectors of sums: add the pattern, shift, and narrow
// with unsigned saturation (packus works within 128-bit lanes; the permute
// puts the 8-byte groups back in order).
__attribute__((target("avx2"), always_inline)) inline __m256i load_avx2(const int16_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

__attribute__((target("avx2"), always_inline)) inline __m256i finish(__m256i sum, const int16_t* pattern) {
  return _mm256_srai_epi16(_mm256_add_epi16(sum, load_avx2(pattern)), k_fraction_bits);
}

__attribute__((target("avx2"), always_inline)) inline void store_codes_avx2(__m256i low, __m256i high,
                                                                          const int16_t* pattern, uint8_t* out) {
  const __m256i bytes = _mm256_packus_epi16(finish(low, pattern), finish(high, pattern + 16));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute4x64_epi64(bytes, 0xD8));
}

// 64 samples at a time in four accumulators, so the adders are not left
// waiting on each other, then 32; returns where it stopped.
template <int N>
__attribute__((target("avx2"), always_inline)) inline int codes_avx2(const int16_t* const* rows, const int16_t* w,
                                                                   int count, int16_t start, const int16_t* pattern,
                                                                   int width, uint8_t* out) {
  const int n = N > 0 ? N : count;
  int x = 0;
  for (; x + 64 <= width; x += 64) {
    __m256i a[4];
    for (int k = 0; k < 4; ++k) a[k] = _mm256_set1_epi16(start);
    for (int j = 0; j < n; ++j) {
      const int16_t* r = rows[j] + x;
      const __m256i wj = _mm256_set1_epi16(w[j]);
      for (int k = 0; k < 4; ++k) a[k] = _mm256_add_epi16(a[k], _mm256_mulhrs_epi16(load_avx2(r + 16 * k), wj));
    }
    store_codes_avx2(a[0], a[1], pattern + x, out + x);
    store_codes_avx2(a[2], a[3], pattern + x + 32, out + x + 32);
  }
  for (; x + 32 <= width; x += 32) {
    __m256i a[2] = {_mm256_set1_epi16(start), _mm256_set1_epi16(start)};
    for (int j = 0; j < n; ++j) {
      const __m256i wj = _mm256_set1_epi16(w[j]);
      for (int k = 0; k < 2; ++k) a[k] = _mm256_add_epi16(a[k], _mm256_mulhrs_epi16(load_avx2(rows[j] + x + 16 * k), wj));
    }
    store_codes_avx2(a[0], a[1], pattern + x, out + x);
  }
  return x;
}

// The common counts get unrolled loops: a slide alone takes 4 or 5 taps at
// the sizes Ken Burns works in, a crossfade twice that.
__attribute__((target("avx2")))
int codes_avx2(const int16_t* const* rows, const int16_t* w, int n, int16_t start, const int16_t* pattern, int width,
               uint8_t* out) {
  switch (n) {
    case 4: return codes_avx2<4>(rows, w, n, start, pattern, width, out);
    case 5: return codes_avx2<5>(rows, w, n, start, pattern, width, out);
    case 8: return codes_avx2<8>(rows, w, n, start, pattern, width, out);
    case 10: return codes_avx2<10>(rows, w, n, start, pattern, width, out);
    default: return codes_avx2<0>(rows, w, n, start, pattern, width, out);
  }
}

int16_t to_short(float v) { return static_cast<int16_t>(std::clamp(std::lround(v), -32767L, 32767L)); }

}  // namespace

TapQuantiser::TapQuantiser(const FrameQuantiser* quantiser) : m_quantiser(quantiser) {
  // The quantiser's pattern (offset, dither and the 0.5 that makes
  // truncation round) in 1/64 of a code. It is a multiple of 1/128, so the
  // half unit it drops cannot move a code: the sums it is added to are
  // whole units.
  for (int plane = 0; plane < 3; ++plane) {
    const int w = quantiser->width(plane);
    m_patterns[plane].resize(static_cast<size_t>(8) * w);
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < w; ++x)
        m_patterns[plane][static_cast<size_t>(y) * w + x] =
            static_cast<int16_t>(quantiser->pattern(plane, y)[x] * k_fraction);
  }
}

void TapQuantiser::row(int plane, int y, const RowTaps* sources, const float* mix, int count, float constant,
                       AVFrame* frame) {
  // code = (scale * (constant + sum_s mix_s * (offset_s + sum_t w_st r_st)) + pattern) in 1/64 units: a
  // ring sample's weight is 64 * scale * mix_s * w_st, over the 2^-15 that the rounding multiply takes off.
  const float scale = m_quantiser->scale(plane) * k_fraction;
  m_rows.clear();
  m_weights.clear();
  float start = constant;
  // The weights are rounded to even numbers, so a ring sample at either
  // end of the range (+-2^14: black, white) times one is exact, and they
  // add up to the exact sum rounded (to even): then a flat black or white
  // area comes out exactly as the float passes make it (per-tap rounding
  // lifted a pure black card's highest dither codes to 17). The rounding's
  // total goes onto each source's largest weight, as make_filter_bank does.
  auto even = [](float v) { return 2 * std::lround(v / 2); };
  float exact_total = 0;
  long assigned = 0;
  int last = -1;
  for (int s = 0; s < count; ++s)
    if (mix[s] != 0) last = s;  // a dip's hidden slide: its taps would add zeros
  for (int s = 0; s <= last; ++s) {
    if (mix[s] == 0) continue;
    start += mix[s] * sources[s].offset;
    const float factor = scale * mix[s] * 32768.0f;
    float source_total = 0;
    for (int t = 0; t < sources[s].taps; ++t) source_total += factor * sources[s].weights[t];
    exact_total += source_total;
    const long want = s == last ? even(exact_total) - assigned : even(source_total);
    assigned += want;
    const size_t begin = m_weights.size();
    long sum = 0;
    size_t largest = begin;
    for (int t = 0; t < sources[s].taps; ++t) {
      m_rows.push_back(sources[s].rows[t]);
      const long w = even(factor * sources[s].weights[t]);
      m_weights.push_back(static_cast<int16_t>(std::clamp(w, -32766L, 32766L)));
      sum += m_weights.back();
      if (std::abs(m_weights.back()) > std::abs(m_weights[largest])) largest = m_weights.size() - 1;
    }
    if (m_weights.size() > begin)
      m_weights[largest] = static_cast<int16_t>(std::clamp(m_weights[largest] + (want - sum), -32766L, 32766L));
  }
  const int16_t start_units = to_short(start * scale);
  const int width = m_quantiser->width(plane);
  const int16_t* pattern = m_patterns[plane].data() + static_cast<size_t>(y & 7) * width;
  uint8_t* out = frame->data[plane] + static_cast<ptrdiff_t>(y) * frame->linesize[plane];
  const int n = static_cast<int>(m_rows.size());
  const int done = use_avx2() ? codes_avx2(m_rows.data(), m_weights.data(), n, start_units, pattern, width, out) : 0;
  codes_portable(m_rows.data(), m_weights.data(), n, start_units, pattern, done, width, out);
}

}  // namespace chunkreel
