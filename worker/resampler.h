// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Separable resampling of a window of a source plane onto an output grid.
//
// For each output column (and, separately, row) a FilterBank holds the first
// source index and a fixed number of weights, computed once per frame from
// the floating-point window, never per pixel. When the window is larger than
// the output the kernel is stretched by the reduction factor, so shrinking
// integrates over the source instead of aliasing. Taps outside the source are
// either clamped to its edge (cover) or dropped and accounted for as
// background coverage (contain), which gives antialiased letterbox edges.
//
// The horizontal pass runs on the source's 8-row blocks of column pairs
// (BlockedPlane), so each pair of filter taps is one integer multiply-add
// across eight rows with no gathers, summed exactly; the results are
// transposed back to rows, into a small ring just ahead of the vertical
// pass, which runs along rows. The ring holds floats, or 16-bit samples
// where the rows go to TapQuantiser's integer pass (RowTaps). The float
// vertical pass accumulates taps in a fixed order and the file is built
// without FP contraction; the AVX2 forms of the passes (worker/simd.h)
// repeat the portable forms' operations, so every CPU produces
// bit-identical pixels.

#include <cstdint>
#include <functional>
#include <vector>

#include "worker/picture.h"

namespace chunkreel {

enum class Kernel { k_catmull_rom, k_lanczos3 };
enum class EdgeMode { k_clamp, k_transparent };

/// Every weight is a whole number of 1/k_unit, so that the horizontal pass
/// can sum 16-bit samples times weights as exact integers.
struct FilterBank {
  static constexpr int k_unit = 1 << 14;
  int taps = 0;
  /// Pairs of weights per output index: an output's taps start at column
  /// `first`, which may be odd, and the horizontal pass reads them as pairs
  /// of columns from first & ~1.
  int pairs() const { return (taps + 2) / 2; }
  std::vector<int> first;        ///< first source index, per output index
  std::vector<float> weights;    ///< `taps` weights per output index
  /// `pairs` per output index: the weights times k_unit, two to a word (the
  /// low half first), over the columns from first & ~1 on (BlockedPlane's
  /// pairs of columns), with zeros where no tap falls.
  std::vector<int32_t> pair_weights;
  std::vector<float> coverage;   ///< in-source weight per output index (1 when clamped)
};

/// Maps `output_size` samples onto the source span [window_start,
/// window_start + window_size) of a source of `source_size` samples. Output
/// sample i sits at (i + output_offset) output pitches from the window's
/// start: 0.5 for centred samples, 0.25 for left-sited 4:2:0 chroma.
void make_filter_bank(int source_size, int output_size, double window_start, double window_size,
                      Kernel kernel, EdgeMode edge, FilterBank* bank, double output_offset = 0.5);

/// Working memory reused from frame to frame.
struct ResampleScratch {
  std::vector<float> rows;          ///< the ring of horizontally filtered rows, and one output row
  std::vector<int16_t> short_rows;  ///< the ring, when its rows are 16-bit
};

/// Receives finished output rows instead of a plane: (row index, samples).
/// The row is the sink's to change (the renderer lays captions over it in
/// place); it is overwritten by the next row.
using RowSink = std::function<void(int y, float* row)>;

/// One output row before the vertical filter's sum, from a ring of 16-bit
/// rows: the row's value is offset + weights[0] * rows[0][x] + ... +
/// weights[taps - 1] * rows[taps - 1][x], for x in [0, width). The rows hold
/// the horizontal pass's sums over 2^15; the weights carry the rest of the
/// source's scale. Valid until the resampler that made it moves on.
struct RowTaps {
  const int16_t* const* rows;
  const float* weights;
  int taps;
  int width;
  float offset;
};

/// One plane's resampling a row at a time, top to bottom, so that two can
/// be mixed row by row (a transition) without holding either picture
/// whole. It keeps pointers to its arguments and works in `scratch`, which
/// no other RowResampler may use while it does.
///
/// With `short_rows`, and when the picture covers the whole output, the
/// ring holds 16-bit rows: half the memory traffic, and next_taps() can
/// hand them to TapQuantiser's integer pass. Its next_row() is then a plain
/// loop over them, which is slower than the float ring's; so a caller asks
/// for them only when it will finish most rows with next_taps().
class RowResampler {
 public:
  RowResampler(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy, float background,
               const Plane* backdrop, ResampleScratch* scratch, bool short_rows = false);
  /// The next output row, of fx.first.size() samples: the caller's to
  /// change, and valid until the next call. At most fy.first.size() calls.
  float* next_row();
  /// The next output row's taps, unsummed, for a caller that finishes the
  /// row itself (TapQuantiser) instead of calling next_row(). Only when
  /// short_rows().
  RowTaps next_taps();
  /// Whether the ring holds 16-bit rows (see the constructor).
  bool short_rows() const { return m_short; }
  /// The output's size: samples a row, and rows.
  int width() const { return static_cast<int>(m_fx->first.size()); }
  int height() const { return static_cast<int>(m_fy->first.size()); }

 private:
  /// Makes the ring blocks the next row needs and points `tap_rows` at its taps.
  template <class Sample>
  void advance(Sample* ring, const Sample** tap_rows);

  const BlockedPlane* m_source;
  const FilterBank* m_fx;
  const FilterBank* m_fy;
  float m_background;
  const Plane* m_backdrop;
  ResampleScratch* m_scratch;
  bool m_avx2;
  bool m_short = false;
  float m_factor;  ///< what a ring sample is worth, in the plane's values
  bool m_any_uncovered = false;
  int m_ring_rows = 0;
  int m_next_block = 0;
  int m_y = 0;
  std::vector<const float*> m_tap_rows;
  std::vector<const int16_t*> m_short_tap_rows;
  std::vector<float> m_tap_weights;  ///< the row's weights times m_factor
};

/// out = source resampled through fx (columns) and fy (rows). Where
/// coverage is below 1 the remainder is filled with `background`, or with
/// the matching samples of `backdrop` (same size as `out`) when given.
/// `out` must already have the output size.
void resample(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy,
              float background, ResampleScratch* scratch, Plane* out,
              const Plane* backdrop = nullptr);

/// The same, handing each row to `sink` as it is finished (the row is only
/// valid during the call), for output sizes fx.first.size() x fy.first.size().
void resample_rows(const BlockedPlane& source, const FilterBank& fx, const FilterBank& fy,
                   float background, ResampleScratch* scratch, const Plane* backdrop,
                   const RowSink& sink);

/// Filters and scratch for resampling whole pictures, reused frame to frame.
struct PictureFilters {
  FilterBank luma_x, luma_y, chroma_x, chroma_y;
  ResampleScratch scratch;
};

/// Resamples the window (x, y, width, height, in source luma pixels) of
/// `source` onto `out`, whose size sets the output grid. Output chroma is
/// left-sited (MPEG-2) horizontally and centred vertically, as 4:2:0 H.264
/// expects; source chroma covers 2x2 luma pixels, centred.
void resample_picture(const SourcePicture& source, double x, double y, double width,
                      double height, EdgeMode edge, const YCbCr& background,
                      const Picture* backdrop, PictureFilters* filters, Picture* out);

/// Sets `filters` up for resampling the window (x, y, width, height, in
/// source luma pixels) of `source` onto an out_width x out_height output.
void plan_picture_filters(const SourcePicture& source, double x, double y, double width, double height,
                          EdgeMode edge, int out_width, int out_height, PictureFilters* filters);

/// Plane `plane`'s rows (0 Y', 1 Cb', 2 Cr') of the resampling that
/// plan_picture_filters set `filters` up for; one plane at a time per
/// `filters`, since they share its scratch.
RowResampler plane_rows(const SourcePicture& source, int plane, const YCbCr& background,
                        const Picture* backdrop, PictureFilters* filters, bool short_rows = false);

/// The same, handing rows to `sink(plane, y, row)` (plane 0 is Y', 1 Cb', 2
/// Cr') for an output of `width` x `height` luma samples. As with RowSink,
/// the sink may change the row.
using PictureRowSink = std::function<void(int plane, int y, float* row)>;
void resample_picture_rows(const SourcePicture& source, double x, double y, double width,
                           double height, EdgeMode edge, const YCbCr& background,
                           const Picture* backdrop, PictureFilters* filters, int out_width,
                           int out_height, const PictureRowSink& sink);

}  // namespace chunkreel
