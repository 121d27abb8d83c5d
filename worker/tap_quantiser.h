// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Rows finished straight into the encoder's frame. A slide alone, and a
// crossfade or a dip between two slides, make each output sample one
// weighted sum of the vertical filter's taps (RowTaps) plus a constant. With
// the quantiser's scale, the mix and the offsets folded into the weights
// and the start, the vertical sum, the mix and the quantiser become one
// pass over the row instead of three, each of which read and wrote it, and
// the pass runs in 16-bit integers over the ring's 16-bit rows.
//
// Rows that carry a caption or a background fill, and the other
// transitions, take the float path (RowResampler::next_row,
// TransitionMixer, FrameQuantiser). The integer pass keeps a sum to a few
// hundredths of a code, so about 1% of samples (those that close to a
// code's edge) come out one level apart between the two paths; flat black
// and white are exact in both. Which path a row takes depends only on the
// show and the frame index, so frames stay a pure function of both.

#include <cstdint>
#include <vector>

#include "worker/colour_convert.h"
#include "worker/resampler.h"

struct AVFrame;

namespace chunkreel {

class TapQuantiser {
 public:
  explicit TapQuantiser(const FrameQuantiser* quantiser);

  /// Row `y` of plane `plane` (0 Y', 1 Cb', 2 Cr') into `frame`: at each
  /// column, constant + mix[0] * value_0 + ... + mix[count - 1] *
  /// value_(count - 1), where value_s is sources[s]'s row (RowTaps),
  /// quantised as FrameQuantiser::row quantises a value, to within a level.
  /// The sources' width must be the plane's.
  void row(int plane, int y, const RowTaps* sources, const float* mix, int count, float constant,
           AVFrame* frame);

 private:
  const FrameQuantiser* m_quantiser;
  std::vector<int16_t> m_patterns[3];  ///< per plane, FrameQuantiser's pattern in 1/64 of a code
  std::vector<const int16_t*> m_rows;  ///< every source's tap rows, in order
  std::vector<int16_t> m_weights;      ///< their weights, times the mix and the quantiser's scale
};

}  // namespace chunkreel
