// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/resampler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <immintrin.h>

#include "worker/simd.h"

namespace chunkreel {
namespace {

constexpr int k_block = BlockedPlane::k_rows;
constexpr int k_pass_blocks = 2;  ///< blocks the horizontal pass makes a call
typedef float Lanes __attribute__((vector_size(k_block * sizeof(float))));

[[gnu::always_inline]] inline Lanes load_lanes(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] inline void store_lanes(float* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

constexpr int k_pair = BlockedPlane::k_pair;

double sinc(double x) {
  if (x == 0) return 1;
  double px = M_PI * x;
  return std::sin(px) / px;
}

double lanczos3(double x) { return std::fabs(x) < 3 ? sinc(x) * sinc(x / 3) : 0; }

// floor and ceil to int without a call into libm (x86-64 has no rounding
// instruction before SSE4.1, which this file does not assume), and without
// a branch on the sign: the filter banks round every weight with floor_int,
// and Catmull-Rom's negative lobes give the sign no pattern a predictor
// could follow.
inline int floor_int(double v) {
  const int i = static_cast<int>(v);
  return i - static_cast<int>(i > v);
}
inline int ceil_int(double v) {
  const int i = static_cast<int>(v);
  return i + static_cast<int>(i < v);
}

double kernel_radius(Kernel kernel) { return kernel == Kernel::k_lanczos3 ? 3.0 : 2.0; }

// The horizontal pass makes one 8-row block of rows at a time. Per output
// column it sums the taps over the block's eight rows as exact integers
// (weights times FilterBank::k_unit, 16-bit samples; the sums stay below
// 2^31) and stores each sum unscaled: as a float, or over 2^15 in a 16-bit
// ring (short_sum). The vertical pass folds the source's scale into its
// weights and adds the source's offset once a row, which saves a multiply
// and an add per sum here. Integer sums do not depend on the order of their
// terms, so the AVX2 form below, which sums two taps at a time, gives these
// bits.
inline int16_t low_weight(int32_t pair) { return static_cast<int16_t>(pair & 0xFFFF); }
inline int16_t high_weight(int32_t pair) { return static_cast<int16_t>(pair >> 16); }

// The 16-bit form of a horizontal sum, for rings of 16-bit rows: the sum
// over 2^15 (a sample's scale times the weights' sum, halved), rounded to
// nearest (rounding down would make every sample half a unit low, which
// moved 0.5% of a frame's codes down a level), within int16 (the sums'
// range keeps it inside; the clamp is what the AVX2 form's saturating pack
// does, written out).
constexpr int k_short_shift = 15;
inline int16_t short_sum(int32_t sum) {
  return static_cast<int16_t>(std::clamp((sum + (1 << (k_short_shift - 1))) >> k_short_shift, -32768, 32767));
}

// A sum as the ring stores it: a float ring keeps it whole.
inline void store_sum(int32_t sum, float* out) { *out = static_cast<float>(sum); }
inline void store_sum(int32_t sum, int16_t* out) { *out = short_sum(sum); }

// Output columns [begin, end) of the block at `src`, the definition.
template <class Sample>
void horizontal_columns(const int16_t* src, const FilterBank& fx, int begin, int end, Sample* const* rows) {
  for (int x = begin; x < end; ++x) {
    const int16_t* pairs = src + static_cast<size_t>(fx.first[x] / 2) * k_pair;
    const int32_t* w = fx.pair_weights.data() + static_cast<size_t>(x) * fx.pairs();
    for (int r = 0; r < k_block; ++r) {
      int32_t sum = 0;
      for (int p = 0; p < fx.pairs(); ++p)
        sum += low_weight(w[p]) * pairs[p * k_pair + 2 * r] + high_weight(w[p]) * pairs[p * k_pair + 2 * r + 1];
      store_sum(sum, &rows[r][x]);
    }
  }
}

// What a horizontal sum is worth: the source's scale over the weights' unit
// (a power of two, so exact).
float sum_factor(const BlockedPlane& source) { return source.scale / FilterBank::k_unit; }

template <class Sample>
void horizontal_pass(const BlockedPlane& source, int block, const FilterBank& fx, Sample* const rows[k_block]) {
  const int16_t* src = source.block(std::min(block, source.blocks() - 1));
  horizontal_columns(src, fx, 0, static_cast<int>(fx.first.size()), rows);
}

// The same pass written for AVX2 with intrinsics. A 32-byte load of a pair
// of columns holds both columns' samples of each of the eight rows side by
// side, so one multiply-add of 16-bit pairs (vpmaddwd) against the two
// weights gives the eight rows' sums over two taps. Eight output columns
// are made in eight registers, transposed there and stored straight into
// the rows. Measured against the float pass it replaces (one multiply and
// one add a tap on samples widened to floats), one process alternating the
// two over a 1080p frame's luma: 1.5-1.6 ms against 2.1-2.6 ms with 5 taps.
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

// Two blocks a call: the second block's columns read the same weights at
// the same offset in their block, so each weight is loaded once for 16
// rows, and one output column's addressing serves both. The second block's
// eight columns wait in memory while the first's are transposed.
// Eight columns' sums of eight rows, one register a column, into rows
// [x, x + 8) of rows[0..7]: as floats, transposed in 32-bit lanes; or as
// 16-bit samples (short_sum), packed two columns a register and transposed
// in 16-bit lanes, which takes fewer shuffles.
__attribute__((target("avx2"), always_inline)) inline void store_columns_avx2(__m256i sums[8], int x,
                                                                            float* const* rows) {
  __m256 columns[k_block];
  for (int i = 0; i < k_block; ++i) columns[i] = _mm256_cvtepi32_ps(sums[i]);
  transpose8_avx2(columns);
  for (int r = 0; r < k_block; ++r) _mm256_storeu_ps(rows[r] + x, columns[r]);
}

__attribute__((target("avx2"), always_inline)) inline void store_columns_avx2(__m256i sums[8], int x,
                                                                            int16_t* const* rows) {
  // Register k: columns 2k and 2k + 1, rows 0-3 in the low lane and 4-7
  // in the high one.
  const __m256i half = _mm256_set1_epi32(1 << (k_short_shift - 1));
  auto shifted = [half](__m256i sum) __attribute__((target("avx2"), always_inline)) {
    return _mm256_srai_epi32(_mm256_add_epi32(sum, half), k_short_shift);
  };
  __m256i p[4];
  for (int k = 0; k < 4; ++k) p[k] = _mm256_packs_epi32(shifted(sums[2 * k]), shifted(sums[2 * k + 1]));
  const __m256i a = _mm256_unpacklo_epi16(p[0], p[1]);  // c0 c2 of rows 0-3 (rows 4-7 above)
  const __m256i b = _mm256_unpackhi_epi16(p[0], p[1]);  // c1 c3
  const __m256i c = _mm256_unpacklo_epi16(p[2], p[3]);  // c4 c6
  const __m256i d = _mm256_unpackhi_epi16(p[2], p[3]);  // c5 c7
  const __m256i e = _mm256_unpacklo_epi16(a, b);        // c0-c3 of rows 0 and 1
  const __m256i f = _mm256_unpackhi_epi16(a, b);        // c0-c3 of rows 2 and 3
  const __m256i g = _mm256_unpacklo_epi16(c, d);        // c4-c7 of rows 0 and 1
  const __m256i h = _mm256_unpackhi_epi16(c, d);        // c4-c7 of rows 2 and 3
  const __m256i r[4] = {_mm256_unpacklo_epi64(e, g), _mm256_unpackhi_epi64(e, g), _mm256_unpacklo_epi64(f, h),
                        _mm256_unpackhi_epi64(f, h)};  // rows 0-3, and 4-7 in the high lanes
  for (int k = 0; k < 4; ++k) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[k] + x), _mm256_castsi256_si128(r[k]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[k + 4] + x), _mm256_extracti128_si256(r[k], 1));
  }
}

// Two blocks a call: the second block's columns read the same weights at
// the same offset in their block, so each weight is loaded once for 16
// rows, and one output column's addressing serves both. The second block's
// eight columns wait in memory while the first's are stored.
template <int Pairs, class Sample>
__attribute__((target("avx2"), always_inline)) inline void horizontal_blocks_avx2(const int16_t* upper,
                                                                                 const int16_t* lower,
                                                                                 const FilterBank& fx,
                                                                                 Sample* const* rows) {
  const int width = static_cast<int>(fx.first.size());
  const int pairs = Pairs > 0 ? Pairs : fx.pairs();
  const ptrdiff_t apart = lower - upper;  // 0 when both are the last block, repeated
  int x = 0;
  for (; x + k_block <= width; x += k_block) {
    __m256i sums[k_block], lower_sums[k_block];
    for (int i = 0; i < k_block; ++i) {
      const auto* column_pairs =
          reinterpret_cast<const __m256i*>(upper + static_cast<size_t>(fx.first[x + i] / 2) * k_pair);
      const auto* lower_pairs = reinterpret_cast<const __m256i*>(reinterpret_cast<const int16_t*>(column_pairs) + apart);
      const int32_t* w = fx.pair_weights.data() + static_cast<size_t>(x + i) * pairs;
      __m256i weight = _mm256_set1_epi32(w[0]);
      __m256i sum = _mm256_madd_epi16(_mm256_loadu_si256(column_pairs), weight);
      __m256i lower_sum = _mm256_madd_epi16(_mm256_loadu_si256(lower_pairs), weight);
      for (int p = 1; p < pairs; ++p) {
        weight = _mm256_set1_epi32(w[p]);
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_loadu_si256(column_pairs + p), weight));
        lower_sum = _mm256_add_epi32(lower_sum, _mm256_madd_epi16(_mm256_loadu_si256(lower_pairs + p), weight));
      }
      sums[i] = sum;
      lower_sums[i] = lower_sum;
    }
    store_columns_avx2(sums, x, rows);
    store_columns_avx2(lower_sums, x, rows + k_block);
  }
  horizontal_columns(upper, fx, x, width, rows);
  horizontal_columns(lower, fx, x, width, rows + k_block);
}

// Blocks `block` and block + 1 into rows[0..15]. The common pair counts (4
// to 7 taps, make_filter_bank) get unrolled loops.
template <class Sample>
__attribute__((target("avx2")))
void horizontal_pass_avx2(const BlockedPlane& source, int block, const FilterBank& fx,
                          Sample* const rows[2 * k_block]) {
  const int16_t* upper = source.block(std::min(block, source.blocks() - 1));
  const int16_t* lower = source.block(std::min(block + 1, source.blocks() - 1));
  switch (fx.pairs()) {
    case 3: horizontal_blocks_avx2<3>(upper, lower, fx, rows); break;
    case 4: horizontal_blocks_avx2<4>(upper, lower, fx, rows); break;
    default: horizontal_blocks_avx2<0>(upper, lower, fx, rows); break;
  }
}

// The vertical pass's AVX2 form: 64 samples at a time in eight
// accumulators (the portable form's four leave the adders waiting on each
// other), with the tap loop unrolled for the common counts. Per sample the
// sum starts at `start` and takes the taps in order, as the portable form
// does, so the bits are the portable form's.
template <int Taps>
__attribute__((target("avx2"), always_inline)) inline int vertical_span_avx2(const float* const* rows,
                                                                           const float* w, int taps, float start,
                                                                           int width, float* dst) {
  const int n = Taps > 0 ? Taps : taps;
  constexpr int k_wide = 8 * k_block;
  int x = 0;
  for (; x + k_wide <= width; x += k_wide) {
    __m256 a[8];
    for (int k = 0; k < 8; ++k) a[k] = _mm256_set1_ps(start);
    for (int t = 0; t < n; ++t) {
      const float* r = rows[t] + x;
      const __m256 wt = _mm256_set1_ps(w[t]);
      for (int k = 0; k < 8; ++k) a[k] = _mm256_add_ps(a[k], _mm256_mul_ps(wt, _mm256_loadu_ps(r + k * k_block)));
    }
    for (int k = 0; k < 8; ++k) _mm256_storeu_ps(dst + x + k * k_block, a[k]);
  }
  for (; x + k_block <= width; x += k_block) {
    __m256 a = _mm256_set1_ps(start);
    for (int t = 0; t < n; ++t) a = _mm256_add_ps(a, _mm256_mul_ps(_mm256_set1_ps(w[t]), _mm256_loadu_ps(rows[t] + x)));
    _mm256_storeu_ps(dst + x, a);
  }
  return x;
}

__attribute__((target("avx2")))
int vertical_span_avx2(const float* const* rows, const float* w, int taps, float start, int width, float* dst) {
  switch (taps) {
    case 4: return vertical_span_avx2<4>(rows, w, taps, start, width, dst);
    case 5: return vertical_span_avx2<5>(rows, w, taps, start, width, dst);
    case 6: return vertical_span_avx2<6>(rows, w, taps, start, width, dst);
    case 7: return vertical_span_avx2<7>(rows, w, taps, start, width, dst);
    case 8: return vertical_span_avx2<8>(rows, w, taps, start, width, dst);
    default: return vertical_span_avx2<0>(rows, w, taps, start, width, dst);
  }
}

// dst = start + the weighted taps, per sample: four vectors of samples at a
// time, all taps summed in registers, one store per sample.
void vertical_sum(const float* const* rows, const float* w, int taps, float start, int width, float* dst) {
  constexpr int k_wide = 4 * k_block;
  int x = use_avx2() ? vertical_span_avx2(rows, w, taps, start, width, dst) : 0;
  for (; x + k_wide <= width; x += k_wide) {
    Lanes a0, a1, a2, a3;
    a0 = a1 = a2 = a3 = Lanes{} + start;
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
    float acc = start;
    for (int t = 0; t < taps; ++t) acc += w[t] * rows[t][x];
    dst[x] = acc;
  }
}

// The kernels as the banks evaluate them.
struct CatmullRom {
  static double at(double x) {
    x = std::fabs(x);
    if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
    if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
    return 0;
  }
};
struct Lanczos3 {
  static double at(double x) { return lanczos3(x); }
};

// A weight in whole units of 1/k_unit, rounded to nearest.
inline int round_units(double v) { return floor_int(v * FilterBank::k_unit + 0.5); }

// Fills `bank` (sized by make_filter_bank) output by output: the kernel at
// each source sample strictly inside the output's reach, normalised, and
// laid onto the output's run of taps. This runs for every output of every
// plane each frame (about 4,500 at 1080p, twice that in a transition), so
// the usual case (every sample in reach lies inside the source) keeps to
// straight-line code over `reach` samples, with samples past the reach
// counted as zeros, which leaves every sum as it was.
template <class K>
void fill_bank(int source_size, int output_size, double window_start, double step, double radius,
               double inverse_stretch, int reach, double output_offset, EdgeMode edge, FilterBank* bank) {
  constexpr int k_unit = FilterBank::k_unit;
  const int taps = bank->taps;
  const int pairs = bank->pairs();
  std::vector<double> raw(reach), exact(taps);
  std::vector<int> unit(2 * pairs);
  for (int i = 0; i < output_size; ++i) {
    // Where output sample i lies, in source coordinates (sample centres at +0.5).
    const double u = window_start + (i + output_offset) * step - 0.5;
    const int lo = floor_int(u - radius) + 1;
    const int hi = std::min(ceil_int(u + radius) - 1, lo + reach - 1);
    const int in_reach = hi - lo + 1;
    double total = 0;
    for (int k = 0; k < reach; ++k) {
      const double value = K::at((lo + k - u) * inverse_stretch);
      raw[k] = k < in_reach ? value : 0.0;
      total += raw[k];
    }
    const double normalise = total == 0 ? 1.0 : 1.0 / total;
    // The contiguous run of `taps` source samples this output reads.
    const int first = std::clamp(lo, 0, source_size - taps);
    bank->first[i] = first;
    // Slot s of `unit` is column (first & ~1) + s; tap t is at slot t + first % 2.
    // The slots no tap falls in (slot 0 when first is odd, and the one or
    // two after the last tap) are zeroed; the taps' slots are written below.
    int* tap_unit = unit.data() + first % 2;
    unit[0] = 0;
    unit[taps] = 0;
    unit[2 * pairs - 1] = 0;
    double inside = 0;
    if (lo == first && hi < source_size) {
      // Inside the source, the usual case: the taps are the samples in reach.
      for (int t = 0; t < taps; ++t) {
        const double weight = raw[t] * normalise;
        tap_unit[t] = round_units(weight);
        if (edge == EdgeMode::k_transparent && t < in_reach) inside += weight;
      }
    } else {
      std::fill(exact.begin(), exact.end(), 0.0);
      for (int j = lo; j <= hi; ++j) {
        double weight = raw[j - lo] * normalise;
        int target = j;
        if (j < 0 || j >= source_size) {
          if (edge == EdgeMode::k_transparent) continue;
          target = std::clamp(j, 0, source_size - 1);
        }
        if (target - first < 0 || target - first >= taps) continue;  // beyond a tiny source
        exact[target - first] += weight;
        inside += weight;
      }
      for (int t = 0; t < taps; ++t) tap_unit[t] = round_units(exact[t]);
    }
    // Weights in whole units of 1/k_unit, rounded, with the rounding's sum
    // moved onto the largest so that they add up to the coverage rounded:
    // exactly 1 when clamped, so flat areas stay flat. Every weight is
    // below about 1.1 (the kernels' largest lobe, normalised), well inside
    // 16 bits.
    const int want = edge == EdgeMode::k_transparent ? round_units(inside) : k_unit;
    int sum = 0, largest = 0;
    for (int t = 0; t < taps; ++t) {
      sum += tap_unit[t];
      if (std::abs(tap_unit[t]) > std::abs(tap_unit[largest])) largest = t;
    }
    tap_unit[largest] += want - sum;
    float* w = &bank->weights[static_cast<size_t>(i) * taps];
    for (int t = 0; t < taps; ++t) w[t] = static_cast<float>(tap_unit[t]) / k_unit;
    int32_t* out_pairs = &bank->pair_weights[static_cast<size_t>(i) * pairs];
    for (int p = 0; p < pairs; ++p)
      out_pairs[p] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(unit[2 * p])) |
                                          (static_cast<uint32_t>(static_cast<uint16_t>(unit[2 * p + 1])) << 16));
    if (edge == EdgeMode::k_transparent) bank->coverage[i] = static_cast<float>(want) / k_unit;
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
  // Every output's first, weights and pairs are written by fill_bank.
  bank->first.resize(output_size);
  bank->weights.resize(static_cast<size_t>(output_size) * taps);
  bank->pair_weights.resize(static_cast<size_t>(output_size) * bank->pairs());
  bank->coverage.assign(output_size, 1.0f);
  // The source samples strictly inside the kernel's reach: at most taps + 1
  // of them before a tiny source caps `taps`.
  const int reach = static_cast<int>(std::ceil(2 * radius)) + 1;
  const double inverse_stretch = 1.0 / stretch;
  if (kernel == Kernel::k_catmull_rom)
    fill_bank<CatmullRom>(source_size, output_size, window_start, step, radius, inverse_stretch, reach,
                          output_offset, edge, bank);
  else
    fill_bank<Lanczos3>(source_size, output_size, window_start, step, radius, inverse_stretch, reach,
                        output_offset, edge, bank);
}

// The horizontal pass fills a small ring of rows just ahead of the
// vertical pass, so the intermediate stays in cache instead of making a
// round trip through memory for the whole frame. The ring holds the
// vertical filter's rows and the two blocks of 8 one horizontal pass makes
// ahead of them: 24 rows, 180 KiB of a 1080p luma plane, for up to 8 taps.
RowResampler::RowResampler(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy,
                           float background, const Plane* backdrop, ResampleScratch* scratch, bool short_rows)
    : m_source(&source), m_fx(&fx), m_fy(&fy), m_background(background), m_backdrop(backdrop),
      m_scratch(scratch), m_avx2(use_avx2()), m_factor(sum_factor(source)) {
  const int out_w = static_cast<int>(fx.first.size());
  m_ring_rows = ((fy.taps + k_block - 1) / k_block + k_pass_blocks) * k_block;
  for (float c : fx.coverage) m_any_uncovered |= c < 0.9999f;
  for (float c : fy.coverage) m_any_uncovered |= c < 0.9999f;
  m_short = short_rows && !m_any_uncovered;
  // A 16-bit sample is a float sum over 2^15 (short_sum).
  if (m_short) m_factor *= static_cast<float>(1 << k_short_shift);
  scratch->rows.resize(static_cast<size_t>(m_short ? 1 : m_ring_rows + 1) * out_w);
  if (m_short) scratch->short_rows.resize(static_cast<size_t>(m_ring_rows) * out_w);
  m_next_block = fy.first.front() / k_block;
  m_tap_rows.resize(fy.taps);
  m_short_tap_rows.resize(fy.taps);
  m_tap_weights.resize(fy.taps);
}

// Makes the blocks the next row needs and points the tap rows at them.
template <class Sample>
void RowResampler::advance(Sample* ring, const Sample** tap_rows) {
  const FilterBank& fx = *m_fx;
  const FilterBank& fy = *m_fy;
  const int out_w = static_cast<int>(fx.first.size());
  auto ring_row = [&](int r) { return ring + static_cast<size_t>(r % m_ring_rows) * out_w; };
  const int y = m_y++;
  const int first = fy.first[y];
  const int last = first + fy.taps - 1;
  while (m_next_block * k_block <= last) {
    Sample* targets[k_pass_blocks * k_block];
    for (int r = 0; r < k_pass_blocks * k_block; ++r) targets[r] = ring_row(m_next_block * k_block + r);
    if (m_avx2) {
      horizontal_pass_avx2(*m_source, m_next_block, fx, targets);
    } else {
      horizontal_pass(*m_source, m_next_block, fx, targets);
      horizontal_pass(*m_source, m_next_block + 1, fx, targets + k_block);
    }
    m_next_block += k_pass_blocks;
  }
  const float* w = fy.weights.data() + static_cast<size_t>(y) * fy.taps;
  for (int t = 0; t < fy.taps; ++t) {
    tap_rows[t] = ring_row(first + t);
    m_tap_weights[t] = w[t] * m_factor;
  }
}

RowTaps RowResampler::next_taps() {
  advance(m_scratch->short_rows.data(), m_short_tap_rows.data());
  return {m_short_tap_rows.data(), m_tap_weights.data(), m_fy->taps, width(), m_source->offset};
}

float* RowResampler::next_row() {
  const int y = m_y;
  const int out_w = width();
  const int taps = m_fy->taps;
  const float* w = m_tap_weights.data();
  if (m_short) {
    // One form for every CPU (the compiler vectorises it as it will), so
    // both give the same bits.
    const RowTaps row = next_taps();
    float* out = m_scratch->rows.data();
    for (int x = 0; x < out_w; ++x) {
      float acc = row.offset;
      for (int t = 0; t < taps; ++t) acc += w[t] * static_cast<float>(row.rows[t][x]);
      out[x] = acc;
    }
    return out;
  }
  advance(m_scratch->rows.data(), m_tap_rows.data());
  float* row_out = m_scratch->rows.data() + static_cast<size_t>(m_ring_rows) * out_w;
  if (!m_any_uncovered) {
    vertical_sum(m_tap_rows.data(), w, taps, m_source->offset, out_w, row_out);
    return row_out;
  }
  // The offset counts where the picture covers the sample; the background
  // (or the backdrop) fills the rest.
  vertical_sum(m_tap_rows.data(), w, taps, 0.0f, out_w, row_out);
  const float* coverage_x = m_fx->coverage.data();
  const float coverage_y = m_fy->coverage[y];
  const float* backdrop = m_backdrop ? m_backdrop->row(y) : nullptr;
  for (int x = 0; x < out_w; ++x) {
    const float covered = coverage_x[x] * coverage_y;
    row_out[x] += m_source->offset * covered + (backdrop ? backdrop[x] : m_background) * (1.0f - covered);
  }
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
                        const Picture* backdrop, PictureFilters* f, bool short_rows) {
  const bool luma = plane == 0;
  const float fill = plane == 0 ? background.y : plane == 1 ? background.cb : background.cr;
  return RowResampler(source.plane(plane), luma ? f->luma_x : f->chroma_x, luma ? f->luma_y : f->chroma_y,
                      fill, backdrop ? &backdrop->plane(plane) : nullptr, &f->scratch, short_rows);
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
