#pragma once
// Separable resampling of a window of a picture onto the output grid.
//
// For each output column (and, separately, row) a FilterBank holds the first
// source index and a fixed number of weights, computed once per frame from
// the floating-point window, never per pixel. When the window is larger than
// the output the kernel is stretched by the reduction factor, so downscaling
// integrates over the source instead of aliasing. Taps outside the picture
// are either clamped to its edge (cover) or dropped and accounted for as
// background coverage (contain), which gives antialiased letterbox edges.

#include <vector>

#include "worker/planar_image.h"

namespace chunkreel {

enum class Kernel { k_catmull_rom, k_lanczos3 };
enum class EdgeMode { k_clamp, k_transparent };

struct FilterBank {
  int taps = 0;
  std::vector<int> first;        ///< first source index, per output index
  std::vector<float> weights;    ///< `taps` weights per output index
  std::vector<float> coverage;   ///< in-picture weight per output index (1 when clamped)
};

/// Maps `output_size` samples onto the source span [window_start,
/// window_start + window_size) of a source of `source_size` samples.
void make_filter_bank(int source_size, int output_size, double window_start, double window_size,
                      Kernel kernel, EdgeMode edge, FilterBank* bank);

/// Working memory reused from frame to frame.
struct ResampleScratch {
  std::vector<float> rows;
};

/// out = source resampled through fx (columns) and fy (rows); where coverage
/// is below 1 the remainder is filled with `background` (RGB in [0, 1]), or
/// with the matching pixels of `backdrop` when one is given (same size as
/// `out`). `out` must already have the output size.
void resample(const PlanarImage& source, const FilterBank& fx, const FilterBank& fy,
              const float background[3], ResampleScratch* scratch, PlanarImage* out,
              const PlanarImage* backdrop = nullptr);

}  // namespace chunkreel
