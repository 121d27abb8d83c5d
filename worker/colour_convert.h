// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// From the renderer's float Y'CbCr to the encoder's 8-bit limited-range
// 4:2:0 frame: Y = 16 + 219 Y', C = 128 + 224 C'. Values become codes here
// (or in TapQuantiser, which makes the same codes from 16-bit taps, to
// within a level), with an ordered dither below one code value so smooth
// gradients (skies) do not band.

#include <vector>

struct AVFrame;

namespace chunkreel {

struct Picture;

/// Quantises rows into a yuv420p frame of the given luma size.
class FrameQuantiser {
 public:
  FrameQuantiser(int width, int height);
  /// Row `y` of plane `plane` (0 Y', 1 Cb', 2 Cr') into `frame`.
  void row(int plane, int y, const float* samples, AVFrame* frame) const;

  /// row() for a caller that fuses it with other work (TapQuantiser): the
  /// code of value v at column x of row y is
  /// trunc(clamp(scale(plane) * v + pattern(plane, y)[x], 0, 255)).
  float scale(int plane) const { return plane == 0 ? 219.0f : 224.0f; }
  const float* pattern(int plane, int y) const;
  /// Samples in a row of `plane`.
  int width(int plane) const { return plane == 0 ? m_width : (m_width + 1) / 2; }

 private:
  int m_width;
  /// Per plane, eight rows of (offset + dither + 0.5) for the repeating pattern.
  std::vector<float> m_offsets[3];
};

/// Whole-picture form: `frame` must be an allocated yuv420p frame of the
/// picture's size.
void quantise_to_frame(const Picture& picture, AVFrame* frame);

/// BT.709 limited-range YCbCr of an 8-bit R'G'B' triple, unrounded.
void bt709_limited(double r, double g, double b, double* y, double* cb, double* cr);

}  // namespace chunkreel
