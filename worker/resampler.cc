#include "worker/resampler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <immintrin.h>

#include "worker/simd.h"

namespace chunkreel {
namespace {

constexpr int k_block = BlockedPlane::k_rows;
typedef float Lanes __attribute__((vector_size(k_block * sizeof(float))));

[[gnu::always_inline]] inline Lanes load_lanes(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] inline void store_lanes(float* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

typedef uint16_t Codes __attribute__((vector_size(k_block * sizeof(uint16_t))));

double catmull_rom(double x) {
  x = std::fabs(x);
  if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

double sinc(double x) {
  if (x == 0) return 1;
  double px = M_PI * x;
  return std::sin(px) / px;
}

double lanczos3(double x) { return std::fabs(x) < 3 ? sinc(x) * sinc(x / 3) : 0; }

double kernel_radius(Kernel kernel) { return kernel == Kernel::k_lanczos3 ? 3.0 : 2.0; }

double evaluate(Kernel kernel, double x) {
  return kernel == Kernel::k_lanczos3 ? lanczos3(x) : catmull_rom(x);
}

// Transposes the 8x8 tile a[i][r] (column i, row r) into rows b[r][i].
[[gnu::always_inline]] inline void transpose8(const Lanes a[8], Lanes b[8]) {
  Lanes t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(a[i], a[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(a[i], a[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int r = 0; r < 4; ++r) {
    b[r] = __builtin_shufflevector(u[r], u[r + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    b[r + 4] = __builtin_shufflevector(u[r], u[r + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// The portable horizontal pass works on two blocks at once (16 source
// rows), so each tap's weight is loaded once for 16 lanes. Taps are summed
// in two interleaved chains, which halves the dependency chain; the order
// is fixed, and the AVX2 form below keeps it.
typedef float Lanes16 __attribute__((vector_size(2 * k_block * sizeof(float))));
typedef uint16_t Codes16 __attribute__((vector_size(2 * k_block * sizeof(uint16_t))));
typedef int32_t Ints16 __attribute__((vector_size(2 * k_block * sizeof(int32_t))));

// Eight 16-bit samples of one block and the eight below them in the next,
// as 16 floats.
[[gnu::always_inline]] inline Lanes16 load_code_pair(const uint16_t* upper, const uint16_t* lower) {
  Codes a, b;
  std::memcpy(&a, upper, sizeof a);
  std::memcpy(&b, lower, sizeof b);
  const Codes16 both = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return __builtin_convertvector(__builtin_convertvector(both, Ints16), Lanes16);
}

template <int Taps>
[[gnu::always_inline]] inline Lanes16 filter_column_pair(const uint16_t* s0, const uint16_t* s1, const float* w,
                                                         int taps) {
  Lanes16 even = {}, odd = {};
  const int n = Taps > 0 ? Taps : taps;
  int t = 0;
  for (; t + 1 < n; t += 2) {
    const size_t at = static_cast<size_t>(t) * k_block, next = at + k_block;
    even += w[t] * load_code_pair(s0 + at, s1 + at);
    odd += w[t + 1] * load_code_pair(s0 + next, s1 + next);
  }
  if (t < n) even += w[t] * load_code_pair(s0 + static_cast<size_t>(t) * k_block, s1 + static_cast<size_t>(t) * k_block);
  return even + odd;
}

template <int Taps>
[[gnu::always_inline]] inline void horizontal_block_pair(const uint16_t* src0, const uint16_t* src1, float scale,
                                                         float offset, const FilterBank& fx, float* dst) {
  const int out_w = static_cast<int>(fx.first.size());
  const int taps = fx.taps;
  for (int x = 0; x < out_w; ++x) {
    const size_t first = static_cast<size_t>(fx.first[x]) * k_block;
    const float* w = fx.weights.data() + static_cast<size_t>(x) * taps;
    const Lanes16 value = scale * filter_column_pair<Taps>(src0 + first, src1 + first, w, taps) +
                          offset * fx.coverage[x];
    std::memcpy(dst + static_cast<size_t>(x) * 2 * k_block, &value, sizeof value);
  }
}

// Horizontal pass over blocks `block` and `block + 1`, written out as 16
// plain rows (rows[0..7] from the first block, rows[8..15] from the second).
// Past the last block the second block repeats it: rows below the picture,
// which no output reads. The common tap counts get unrolled loops.
void horizontal_pass(const BlockedPlane& source, int block, const FilterBank& fx, float* tile,
                     float* const rows[16]) {
  const uint16_t* src0 = source.block(block);
  const uint16_t* src1 = source.block(std::min(block + 1, source.blocks() - 1));
  const float scale = source.scale;
  const float offset = source.offset;
  switch (fx.taps) {
    case 4: horizontal_block_pair<4>(src0, src1, scale, offset, fx, tile); break;
    case 5: horizontal_block_pair<5>(src0, src1, scale, offset, fx, tile); break;
    case 6: horizontal_block_pair<6>(src0, src1, scale, offset, fx, tile); break;
    case 7: horizontal_block_pair<7>(src0, src1, scale, offset, fx, tile); break;
    case 8: horizontal_block_pair<8>(src0, src1, scale, offset, fx, tile); break;
    default: horizontal_block_pair<0>(src0, src1, scale, offset, fx, tile); break;
  }
  const int width = static_cast<int>(fx.first.size());
  constexpr size_t k_pair = 2 * k_block;
  int x = 0;
  for (; x + k_block <= width; x += k_block) {
    Lanes upper[k_block], lower[k_block], upper_rows[k_block], lower_rows[k_block];
    for (int i = 0; i < k_block; ++i) {
      const float* column = tile + static_cast<size_t>(x + i) * k_pair;
      upper[i] = load_lanes(column);
      lower[i] = load_lanes(column + k_block);
    }
    transpose8(upper, upper_rows);
    transpose8(lower, lower_rows);
    for (int r = 0; r < k_block; ++r) {
      store_lanes(rows[r] + x, upper_rows[r]);
      store_lanes(rows[k_block + r] + x, lower_rows[r]);
    }
  }
  for (; x < width; ++x)
    for (size_t r = 0; r < k_pair; ++r) rows[r][x] = tile[static_cast<size_t>(x) * k_pair + r];
}

// The same pass written for AVX2 with intrinsics, one 8-row block at a
// time: eight output columns are filtered into eight registers, transposed
// there and stored straight into the rows, so no tile makes a round trip
// through memory (GCC's code for the portable 16-lane form above spills
// and splits its vectors; this pass measured about 1.8 times as fast). Each lane
// does exactly the portable pass's float operations in the same order, so
// the two give the same bits.
__attribute__((target("avx2"))) inline __m256 widen8(const uint16_t* codes) {
  return _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes))));
}

__attribute__((target("avx2"))) inline void transpose8_avx2(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int i = 0; i < 8; i += 4) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    t[i + 2] = _mm256_unpacklo_ps(r[i + 2], r[i + 3]);
    t[i + 3] = _mm256_unpackhi_ps(r[i + 2], r[i + 3]);
    s[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
  }
}

// Output columns go in strips of k_strip: the source columns a strip reads
// are widened to floats once into `wide` (a few kilobytes, so they stay in
// L1), where its taps, about four to a source column, read them as plain
// floats instead of converting each time.
constexpr int k_strip = 64;

// The source is read once a frame, and at 1080p it is about 10 MB (20 MB in
// a transition), far more than the caches hold, so its columns are asked
// for a page ahead (256 columns of eight 16-bit samples) as they are
// widened. Without it a profile put a third of this pass's time on the
// widening loads, although the stream runs forward through memory. Measured
// in one process, frames alternating with and without it: 4-8% off a Ken
// Burns frame (two runs) and 7-14% off a crossfade (three). A prefetch
// past the end of the plane is harmless: it never faults.
constexpr int k_columns_per_line = 64 / (k_block * sizeof(uint16_t));
constexpr int k_prefetch_columns = 256;

template <int Taps>
__attribute__((target("avx2"), always_inline)) inline void horizontal_block_avx2(
    const uint16_t* src, float scale, float offset, const FilterBank& fx, float* wide, float* const* rows) {
  const int width = static_cast<int>(fx.first.size());
  const int taps = Taps > 0 ? Taps : fx.taps;
  const __m256 factor = _mm256_set1_ps(scale);
  const int vector_width = width / k_block * k_block;
  int x = 0;
  for (int strip = 0; strip < vector_width; strip += k_strip) {
    const int strip_end = std::min(strip + k_strip, vector_width);
    const int begin = fx.first[strip];
    const int end = fx.first[strip_end - 1] + taps;
    for (int c = begin; c < end; ++c) {
      if (c % k_columns_per_line == 0)
        _mm_prefetch(reinterpret_cast<const char*>(src + static_cast<size_t>(c + k_prefetch_columns) * k_block),
                     _MM_HINT_T0);
      _mm256_storeu_ps(wide + static_cast<size_t>(c - begin) * k_block, widen8(src + static_cast<size_t>(c) * k_block));
    }
    for (x = strip; x < strip_end; x += k_block) {
      __m256 columns[k_block];
      for (int i = 0; i < k_block; ++i) {
        const float* s = wide + static_cast<size_t>(fx.first[x + i] - begin) * k_block;
        const float* w = fx.weights.data() + static_cast<size_t>(x + i) * taps;
        __m256 even = _mm256_setzero_ps(), odd = _mm256_setzero_ps();
        int t = 0;
        for (; t + 1 < taps; t += 2) {
          even = _mm256_add_ps(even, _mm256_mul_ps(_mm256_set1_ps(w[t]), _mm256_loadu_ps(s + t * k_block)));
          odd = _mm256_add_ps(odd, _mm256_mul_ps(_mm256_set1_ps(w[t + 1]), _mm256_loadu_ps(s + (t + 1) * k_block)));
        }
        if (t < taps) even = _mm256_add_ps(even, _mm256_mul_ps(_mm256_set1_ps(w[t]), _mm256_loadu_ps(s + t * k_block)));
        columns[i] = _mm256_add_ps(_mm256_mul_ps(factor, _mm256_add_ps(even, odd)),
                                   _mm256_set1_ps(offset * fx.coverage[x + i]));
      }
      transpose8_avx2(columns);
      for (int r = 0; r < k_block; ++r) _mm256_storeu_ps(rows[r] + x, columns[r]);
    }
  }
  for (; x < width; ++x) {
    const uint16_t* s = src + static_cast<size_t>(fx.first[x]) * k_block;
    const float* w = fx.weights.data() + static_cast<size_t>(x) * taps;
    for (int r = 0; r < k_block; ++r) {
      float even = 0, odd = 0;
      int t = 0;
      for (; t + 1 < taps; t += 2) {
        even += w[t] * static_cast<float>(s[t * k_block + r]);
        odd += w[t + 1] * static_cast<float>(s[(t + 1) * k_block + r]);
      }
      if (t < taps) even += w[t] * static_cast<float>(s[t * k_block + r]);
      rows[r][x] = scale * (even + odd) + offset * fx.coverage[x];
    }
  }
}

__attribute__((target("avx2")))
void horizontal_pass_avx2(const BlockedPlane& source, int block, const FilterBank& fx, float* wide,
                          float* const rows[8]) {
  const uint16_t* src = source.block(std::min(block, source.blocks() - 1));
  switch (fx.taps) {
    case 4: horizontal_block_avx2<4>(src, source.scale, source.offset, fx, wide, rows); break;
    case 5: horizontal_block_avx2<5>(src, source.scale, source.offset, fx, wide, rows); break;
    case 6: horizontal_block_avx2<6>(src, source.scale, source.offset, fx, wide, rows); break;
    case 7: horizontal_block_avx2<7>(src, source.scale, source.offset, fx, wide, rows); break;
    case 8: horizontal_block_avx2<8>(src, source.scale, source.offset, fx, wide, rows); break;
    default: horizontal_block_avx2<0>(src, source.scale, source.offset, fx, wide, rows); break;
  }
}

// The vertical pass's AVX2 form: 64 samples at a time in eight
// accumulators (the portable form's four leave the adders waiting on each
// other), with the tap loop unrolled for the common counts. Per sample the
// taps are summed in the same order, so the bits are the portable form's.
template <int Taps>
__attribute__((target("avx2"), always_inline)) inline int vertical_span_avx2(const float* const* rows,
                                                                           const float* w, int taps,
                                                                           int width, float* dst) {
  const int n = Taps > 0 ? Taps : taps;
  constexpr int k_wide = 8 * k_block;
  int x = 0;
  for (; x + k_wide <= width; x += k_wide) {
    __m256 a[8];
    for (int k = 0; k < 8; ++k) a[k] = _mm256_setzero_ps();
    for (int t = 0; t < n; ++t) {
      const float* r = rows[t] + x;
      const __m256 wt = _mm256_set1_ps(w[t]);
      for (int k = 0; k < 8; ++k) a[k] = _mm256_add_ps(a[k], _mm256_mul_ps(wt, _mm256_loadu_ps(r + k * k_block)));
    }
    for (int k = 0; k < 8; ++k) _mm256_storeu_ps(dst + x + k * k_block, a[k]);
  }
  for (; x + k_block <= width; x += k_block) {
    __m256 a = _mm256_setzero_ps();
    for (int t = 0; t < n; ++t) a = _mm256_add_ps(a, _mm256_mul_ps(_mm256_set1_ps(w[t]), _mm256_loadu_ps(rows[t] + x)));
    _mm256_storeu_ps(dst + x, a);
  }
  return x;
}

__attribute__((target("avx2")))
int vertical_span_avx2(const float* const* rows, const float* w, int taps, int width, float* dst) {
  switch (taps) {
    case 4: return vertical_span_avx2<4>(rows, w, taps, width, dst);
    case 5: return vertical_span_avx2<5>(rows, w, taps, width, dst);
    case 6: return vertical_span_avx2<6>(rows, w, taps, width, dst);
    case 7: return vertical_span_avx2<7>(rows, w, taps, width, dst);
    case 8: return vertical_span_avx2<8>(rows, w, taps, width, dst);
    default: return vertical_span_avx2<0>(rows, w, taps, width, dst);
  }
}

// One output row of the vertical pass: four vectors of samples at a time,
// all taps summed in registers, one store per sample; then background where
// coverage is incomplete.
void vertical_row(const float* const* rows, const float* w, int taps, int width,
                  const float* coverage_x, float coverage_y, float background,
                  const float* backdrop, float* dst) {
  constexpr int k_wide = 4 * k_block;
  int x = use_avx2() ? vertical_span_avx2(rows, w, taps, width, dst) : 0;
  for (; x + k_wide <= width; x += k_wide) {
    Lanes a0 = {}, a1 = {}, a2 = {}, a3 = {};
    for (int t = 0; t < taps; ++t) {
      const float* r = rows[t] + x;
      const float wt = w[t];
      a0 += wt * load_lanes(r);
      a1 += wt * load_lanes(r + k_block);
      a2 += wt * load_lanes(r + 2 * k_block);
      a3 += wt * load_lanes(r + 3 * k_block);
    }
    store_lanes(dst + x, a0);
    store_lanes(dst + x + k_block, a1);
    store_lanes(dst + x + 2 * k_block, a2);
    store_lanes(dst + x + 3 * k_block, a3);
  }
  for (; x < width; ++x) {
    float acc = 0;
    for (int t = 0; t < taps; ++t) acc += w[t] * rows[t][x];
    dst[x] = acc;
  }
  if (!coverage_x) return;
  if (backdrop) {
    for (x = 0; x < width; ++x) dst[x] += backdrop[x] * (1.0f - coverage_x[x] * coverage_y);
  } else {
    for (x = 0; x < width; ++x) dst[x] += background * (1.0f - coverage_x[x] * coverage_y);
  }
}

}  // namespace

void make_filter_bank(int source_size, int output_size, double window_start, double window_size,
                      Kernel kernel, EdgeMode edge, FilterBank* bank, double output_offset) {
  const double step = window_size / output_size;  // source samples per output sample
  const double stretch = std::max(1.0, step);
  const double radius = kernel_radius(kernel) * stretch;
  // Both kernels are zero at their radius, so only sources strictly inside
  // (u - radius, u + radius) count: at most ceil(2 * radius) of them. (A
  // closed interval would add a tap of weight zero to every output.)
  int taps = static_cast<int>(std::ceil(2 * radius));
  taps = std::min(taps, source_size);
  bank->taps = taps;
  bank->first.assign(output_size, 0);
  bank->weights.assign(static_cast<size_t>(output_size) * taps, 0.0f);
  bank->coverage.assign(output_size, 1.0f);

  std::vector<double> raw;
  for (int i = 0; i < output_size; ++i) {
    // Where output sample i lies, in source coordinates (sample centres at +0.5).
    const double u = window_start + (i + output_offset) * step - 0.5;
    const int lo = static_cast<int>(std::floor(u - radius)) + 1;
    const int hi = static_cast<int>(std::ceil(u + radius)) - 1;
    raw.assign(hi - lo + 1, 0.0);
    double total = 0;
    for (int j = lo; j <= hi; ++j) {
      raw[j - lo] = evaluate(kernel, (j - u) / stretch);
      total += raw[j - lo];
    }
    if (total == 0) total = 1;
    // The contiguous run of `taps` source samples this output reads.
    const int first = std::clamp(lo, 0, source_size - taps);
    bank->first[i] = first;
    float* w = &bank->weights[static_cast<size_t>(i) * taps];
    double inside = 0;
    for (int j = lo; j <= hi; ++j) {
      double weight = raw[j - lo] / total;
      int target = j;
      if (j < 0 || j >= source_size) {
        if (edge == EdgeMode::k_transparent) continue;
        target = std::clamp(j, 0, source_size - 1);
      }
      if (target - first < 0 || target - first >= taps) continue;  // beyond a tiny source
      w[target - first] += static_cast<float>(weight);
      inside += weight;
    }
    if (edge == EdgeMode::k_transparent) bank->coverage[i] = static_cast<float>(inside);
  }
}

// The horizontal pass fills a small ring of rows just ahead of the
// vertical pass, so the intermediate stays in cache instead of making a
// round trip through memory for the whole frame. The ring holds the
// vertical filter's rows and the rows one horizontal pass makes ahead of
// them: a block of 8 in the AVX2 form, a pair of blocks (16) in the
// portable one, whose vectors span a pair. With 8 the ring is half the
// size (16 rows, 120 KiB of a 1080p luma plane, for up to 8 taps); measured
// in one process, frames alternating with 8 and with 16, three runs: 7-9%
// off a Ken Burns frame and 7-9% off a crossfade.
RowResampler::RowResampler(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy,
                           float background, const Plane* backdrop, ResampleScratch* scratch)
    : m_source(&source), m_fx(&fx), m_fy(&fy), m_background(background), m_backdrop(backdrop),
      m_scratch(scratch), m_avx2(use_avx2()) {
  const int out_w = static_cast<int>(fx.first.size());
  constexpr int k_pair = 2 * k_block;
  const int pass_rows = this->pass_rows();
  m_ring_rows = ((fy.taps + pass_rows - 1) / pass_rows + 1) * pass_rows;
  scratch->rows.resize(static_cast<size_t>(m_ring_rows + 1) * out_w);
  scratch->blocked.resize(static_cast<size_t>(k_pair) * out_w);
  // A strip's source columns: at most all of them.
  scratch->wide.resize(static_cast<size_t>(k_block) * source.width);
  for (float c : fx.coverage) m_any_uncovered |= c < 0.9999f;
  for (float c : fy.coverage) m_any_uncovered |= c < 0.9999f;
  m_next_block = fy.first.front() / k_block;
  m_tap_rows.resize(fy.taps);
}

float* RowResampler::next_row() {
  const FilterBank& fx = *m_fx;
  const FilterBank& fy = *m_fy;
  const int out_w = static_cast<int>(fx.first.size());
  float* ring = m_scratch->rows.data();
  auto ring_row = [&](int r) { return ring + static_cast<size_t>(r % m_ring_rows) * out_w; };
  const int y = m_y++;
  const int first = fy.first[y];
  const int last = first + fy.taps - 1;
  constexpr int k_pair = 2 * k_block;
  while (m_next_block * k_block <= last) {
    float* targets[k_pair];
    for (int r = 0; r < pass_rows(); ++r) targets[r] = ring_row(m_next_block * k_block + r);
    if (m_avx2)
      horizontal_pass_avx2(*m_source, m_next_block, fx, m_scratch->wide.data(), targets);
    else
      horizontal_pass(*m_source, m_next_block, fx, m_scratch->blocked.data(), targets);
    m_next_block += pass_rows() / k_block;
  }
  for (int t = 0; t < fy.taps; ++t) m_tap_rows[t] = ring_row(first + t);
  float* row_out = ring + static_cast<size_t>(m_ring_rows) * out_w;
  vertical_row(m_tap_rows.data(), fy.weights.data() + static_cast<size_t>(y) * fy.taps, fy.taps, out_w,
               m_any_uncovered ? fx.coverage.data() : nullptr, fy.coverage[y], m_background,
               m_backdrop ? m_backdrop->row(y) : nullptr, row_out);
  return row_out;
}

void resample_rows(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy,
                   float background, ResampleScratch* scratch, const Plane* backdrop,
                   const RowSink& sink) {
  RowResampler rows(source, fx, fy, background, backdrop, scratch);
  for (int y = 0; y < rows.height(); ++y) sink(y, rows.next_row());
}

void resample(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy,
              float background, ResampleScratch* scratch, Plane* out, const Plane* backdrop) {
  const size_t width = static_cast<size_t>(out->width);
  resample_rows(source, fx, fy, background, scratch, backdrop,
                [out, width](int y, float* row) { std::copy(row, row + width, out->row(y)); });
}

void plan_picture_filters(const SourcePicture& source, double x, double y, double width, double height,
                          EdgeMode edge, int out_width, int out_height, PictureFilters* f) {
  const Kernel kernel = Kernel::k_catmull_rom;
  make_filter_bank(source.y.width, out_width, x, width, kernel, edge, &f->luma_x);
  make_filter_bank(source.y.height, out_height, y, height, kernel, edge, &f->luma_y);
  // Chroma sample i of the output sits on luma column 2i (left-sited): a
  // quarter of a chroma pitch from the window's edge; rows sit between luma
  // rows 2j and 2j+1, half a pitch in. Source chroma is at half scale.
  const int chroma_w = (out_width + 1) / 2;
  const int chroma_h = (out_height + 1) / 2;
  make_filter_bank(source.cb.width, chroma_w, x / 2, width / 2, kernel, edge, &f->chroma_x, 0.25);
  make_filter_bank(source.cb.height, chroma_h, y / 2, height / 2, kernel, edge, &f->chroma_y, 0.5);
}

RowResampler plane_rows(const SourcePicture& source, int plane, const YCbCr& background,
                        const Picture* backdrop, PictureFilters* f) {
  const bool luma = plane == 0;
  const float fill = plane == 0 ? background.y : plane == 1 ? background.cb : background.cr;
  return RowResampler(source.plane(plane), luma ? f->luma_x : f->chroma_x, luma ? f->luma_y : f->chroma_y,
                      fill, backdrop ? &backdrop->plane(plane) : nullptr, &f->scratch);
}

void resample_picture_rows(const SourcePicture& source, double x, double y, double width,
                           double height, EdgeMode edge, const YCbCr& background,
                           const Picture* backdrop, PictureFilters* f, int out_width,
                           int out_height, const PictureRowSink& sink) {
  plan_picture_filters(source, x, y, width, height, edge, out_width, out_height, f);
  for (int plane = 0; plane < 3; ++plane) {
    RowResampler rows = plane_rows(source, plane, background, backdrop, f);
    for (int row = 0; row < rows.height(); ++row) sink(plane, row, rows.next_row());
  }
}

void resample_picture(const SourcePicture& source, double x, double y, double width,
                      double height, EdgeMode edge, const YCbCr& background,
                      const Picture* backdrop, PictureFilters* filters, Picture* out) {
  resample_picture_rows(source, x, y, width, height, edge, background, backdrop, filters,
                        out->width(), out->height(), [out](int plane, int row, float* samples) {
                          Plane& p = out->plane(plane);
                          std::copy(samples, samples + p.width, p.row(row));
                        });
}

}  // namespace chunkreel
