// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A caption rasterised once, at the output size, and laid over frames.
//
// FreeType rasterises each glyph's outline at its exact sub-pixel position
// (the outline is shifted before rendering, never the bitmap), so text is as
// sharp as the font at that size allows and nothing is resampled. The
// outline ring is FreeType's stroker; the shadow is the same glyphs
// rendered again at the shadow's offset and blurred. Background box,
// shadow, outline and fill are flattened, in that order, into one layer of
// opacity and premultiplied colour per plane, so a frame pays one
// multiply-add per covered sample: out = out * (1 - o*a) + o*v, where o is
// the caption's opacity at that frame (its fade).
//
// Chroma is built from the luma-resolution layer at the encoder's chroma
// sites (left-sited horizontally, centred vertically), so coloured text
// lines up with its luma.

#include <array>
#include <vector>

#include "common/caption.h"

namespace chunkreel {

class CaptionLayer {
 public:
  /// Throws Fatal when a font file cannot be loaded.
  CaptionLayer(const LaidOutCaption& caption, int width, int height);

  /// Lays the caption over row `y` of plane `plane` (0 Y', 1 Cb', 2 Cr'),
  /// at `opacity` in [0, 1].
  void apply_row(int plane, int y, float* row, float opacity) const;
  /// Whether row `y` of `plane` has anything to draw.
  bool covers(int plane, int y) const;

  /// Samples apply_row() touches over a whole frame (for benchmarks).
  size_t covered_samples() const;

 private:
  struct Layer {
    int x0 = 0, y0 = 0, width = 0, height = 0;
    std::vector<float> alpha, value;  ///< row-major, width x height
    std::vector<int> first, last;     ///< per row, the covered columns [first, last)
  };
  std::array<Layer, 3> m_planes;
};

}  // namespace chunkreel
