#include "worker/tap_quantiser.h"

#include <algorithm>
#include <cstdint>
#include <immintrin.h>

extern "C" {
#include <libavutil/frame.h>
}

#include "worker/simd.h"

namespace chunkreel {
namespace {

// The definition, per sample: the sum starts at `start` and takes the taps
// in order; the dither pattern is added last; the code is the sum clamped
// to 0..255 and truncated. The AVX2 form repeats these operations in this
// order (worker/simd.h).
inline uint8_t code_of(const float* const* rows, const float* w, int n, float start, float pattern, int x) {
  float acc = start;
  for (int j = 0; j < n; ++j) acc += w[j] * rows[j][x];
  const float q = std::min(std::max(acc + pattern, 0.0f), 255.0f);
  return static_cast<uint8_t>(static_cast<int>(q));
}

void codes_portable(const float* const* rows, const float* w, int n, float start, const float* pattern, int begin,
                    int width, uint8_t* out) {
  for (int x = begin; x < width; ++x) out[x] = code_of(rows, w, n, start, pattern[x], x);
}

// 32 codes from four vectors of sums: add the pattern, clamp, truncate, and
// narrow (packus works within 128-bit lanes; the permute puts the 4-byte
// groups back in order).
__attribute__((target("avx2"), always_inline)) inline void store_codes_avx2(const __m256 sums[4],
                                                                          const float* pattern, uint8_t* out) {
  const __m256 low = _mm256_setzero_ps();
  const __m256 high = _mm256_set1_ps(255.0f);
  __m256i codes[4];
  for (int k = 0; k < 4; ++k) {
    const __m256 q = _mm256_add_ps(sums[k], _mm256_loadu_ps(pattern + 8 * k));
    codes[k] = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(q, low), high));
  }
  const __m256i words =
      _mm256_packus_epi16(_mm256_packus_epi32(codes[0], codes[1]), _mm256_packus_epi32(codes[2], codes[3]));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out),
                      _mm256_permutevar8x32_epi32(words, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}

// 64 samples at a time in eight accumulators, so the adders are not left
// waiting on each other, then 32; returns where it stopped.
template <int N>
__attribute__((target("avx2"), always_inline)) inline int codes_avx2(const float* const* rows, const float* w,
                                                                   int count, float start, const float* pattern,
                                                                   int width, uint8_t* out) {
  const int n = N > 0 ? N : count;
  int x = 0;
  for (; x + 64 <= width; x += 64) {
    __m256 a[8];
    for (int k = 0; k < 8; ++k) a[k] = _mm256_set1_ps(start);
    for (int j = 0; j < n; ++j) {
      const float* r = rows[j] + x;
      const __m256 wj = _mm256_set1_ps(w[j]);
      for (int k = 0; k < 8; ++k) a[k] = _mm256_add_ps(a[k], _mm256_mul_ps(wj, _mm256_loadu_ps(r + 8 * k)));
    }
    store_codes_avx2(a, pattern + x, out + x);
    store_codes_avx2(a + 4, pattern + x + 32, out + x + 32);
  }
  for (; x + 32 <= width; x += 32) {
    __m256 a[4];
    for (int k = 0; k < 4; ++k) a[k] = _mm256_set1_ps(start);
    for (int j = 0; j < n; ++j) {
      const __m256 wj = _mm256_set1_ps(w[j]);
      for (int k = 0; k < 4; ++k) a[k] = _mm256_add_ps(a[k], _mm256_mul_ps(wj, _mm256_loadu_ps(rows[j] + x + 8 * k)));
    }
    store_codes_avx2(a, pattern + x, out + x);
  }
  return x;
}

// The common counts get unrolled loops: a slide alone takes 4 or 5 taps at
// the sizes Ken Burns works in, a crossfade twice that.
__attribute__((target("avx2")))
int codes_avx2(const float* const* rows, const float* w, int n, float start, const float* pattern, int width,
               uint8_t* out) {
  switch (n) {
    case 4: return codes_avx2<4>(rows, w, n, start, pattern, width, out);
    case 5: return codes_avx2<5>(rows, w, n, start, pattern, width, out);
    case 8: return codes_avx2<8>(rows, w, n, start, pattern, width, out);
    case 10: return codes_avx2<10>(rows, w, n, start, pattern, width, out);
    default: return codes_avx2<0>(rows, w, n, start, pattern, width, out);
  }
}

}  // namespace

void TapQuantiser::row(int plane, int y, const RowTaps* sources, const float* mix, int count, float constant,
                       AVFrame* frame) {
  // code = clamp(scale * (constant + sum_s mix_s * (offset_s + sum_t w_st r_st)) + pattern):
  // the scale and the mix go into the weights, the offsets into the start.
  const float scale = m_quantiser->scale(plane);
  m_rows.clear();
  m_weights.clear();
  float start = constant;
  for (int s = 0; s < count; ++s) {
    if (mix[s] == 0) continue;  // a dip's hidden slide: its taps would add zeros
    start += mix[s] * sources[s].offset;
    const float factor = scale * mix[s];
    for (int t = 0; t < sources[s].taps; ++t) {
      m_rows.push_back(sources[s].rows[t]);
      m_weights.push_back(factor * sources[s].weights[t]);
    }
  }
  start *= scale;
  const int width = m_quantiser->width(plane);
  const float* pattern = m_quantiser->pattern(plane, y);
  uint8_t* out = frame->data[plane] + static_cast<ptrdiff_t>(y) * frame->linesize[plane];
  const int n = static_cast<int>(m_rows.size());
  const int done = use_avx2() ? codes_avx2(m_rows.data(), m_weights.data(), n, start, pattern, width, out) : 0;
  codes_portable(m_rows.data(), m_weights.data(), n, start, pattern, done, width, out);
}

}  // namespace chunkreel
