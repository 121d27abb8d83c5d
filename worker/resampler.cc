#include "worker/resampler.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

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

}  // namespace

void make_filter_bank(int source_size, int output_size, double window_start, double window_size,
                      Kernel kernel, EdgeMode edge, FilterBank* bank) {
  const double step = window_size / output_size;  // source samples per output sample
  const double stretch = std::max(1.0, step);
  const double radius = kernel_radius(kernel) * stretch;
  int taps = static_cast<int>(std::ceil(2 * radius)) + 1;
  taps = std::min(taps, source_size);
  bank->taps = taps;
  bank->first.assign(output_size, 0);
  bank->weights.assign(static_cast<size_t>(output_size) * taps, 0.0f);
  bank->coverage.assign(output_size, 1.0f);

  std::vector<double> raw;
  for (int i = 0; i < output_size; ++i) {
    // Centre of output sample i in source coordinates (sample centres at +0.5).
    const double u = window_start + (i + 0.5) * step - 0.5;
    const int lo = static_cast<int>(std::ceil(u - radius));
    const int hi = static_cast<int>(std::floor(u + radius));
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
      if (target - first < 0 || target - first >= taps) continue;  // outside a tiny source
      w[target - first] += static_cast<float>(weight);
      inside += weight;
    }
    if (edge == EdgeMode::k_transparent) bank->coverage[i] = static_cast<float>(inside);
  }
}

void resample(const PlanarImage& source, const FilterBank& fx, const FilterBank& fy,
              const float background[3], ResampleScratch* scratch, PlanarImage* out,
              const PlanarImage* backdrop) {
  const int out_w = out->width;
  const int out_h = out->height;
  const int row_first = fy.first.front();
  const int row_last = std::min(source.height - 1, fy.first.back() + fy.taps - 1);
  const int row_count = row_last - row_first + 1;
  scratch->rows.resize(static_cast<size_t>(row_count) * out_w);
  const int tx = fx.taps;
  const int ty = fy.taps;
  bool any_uncovered = false;
  for (float c : fx.coverage) any_uncovered |= c < 0.9999f;
  for (float c : fy.coverage) any_uncovered |= c < 0.9999f;

  for (int c = 0; c < 3; ++c) {
    // Horizontal pass over the source rows the vertical filters will read.
    for (int r = 0; r < row_count; ++r) {
      const float* src = source.row(c, row_first + r);
      float* dst = scratch->rows.data() + static_cast<size_t>(r) * out_w;
      const int* first = fx.first.data();
      const float* weights = fx.weights.data();
      for (int x = 0; x < out_w; ++x) {
        const float* s = src + first[x];
        const float* w = weights + static_cast<size_t>(x) * tx;
        float acc = 0;
        for (int t = 0; t < tx; ++t) acc += w[t] * s[t];
        dst[x] = acc;
      }
    }
    // Vertical pass: whole rows at a time, which vectorises.
    for (int y = 0; y < out_h; ++y) {
      float* dst = out->row(c, y);
      const float* w = fy.weights.data() + static_cast<size_t>(y) * ty;
      const int base = fy.first[y] - row_first;
      std::fill(dst, dst + out_w, 0.0f);
      for (int t = 0; t < ty; ++t) {
        if (w[t] == 0.0f) continue;
        const float wt = w[t];
        const float* src = scratch->rows.data() + static_cast<size_t>(base + t) * out_w;
        for (int x = 0; x < out_w; ++x) dst[x] += wt * src[x];
      }
      if (any_uncovered) {
        const float cy = fy.coverage[y];
        if (backdrop) {
          const float* behind = backdrop->row(c, y);
          for (int x = 0; x < out_w; ++x) dst[x] += behind[x] * (1.0f - fx.coverage[x] * cy);
        } else {
          const float bg = background[c];
          for (int x = 0; x < out_w; ++x) dst[x] += bg * (1.0f - fx.coverage[x] * cy);
        }
      }
    }
  }
}

}  // namespace chunkreel
