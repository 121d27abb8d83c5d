// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The renderer's pictures. Rendering happens in Y'CbCr (BT.709 matrix) as
// floats: Y' in [0, 1] at full resolution, Cb' and Cr' in [-0.5, 0.5] at
// half resolution in each direction. Resampling and mixing are linear, and
// Y'CbCr is a linear function of R'G'B', so working here gives the same
// result as working in RGB, with half the samples and no conversion pass.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chunkreel {

/// One channel, row-major.
struct Plane {
  int width = 0;
  int height = 0;
  std::vector<float> data;

  void resize(int w, int h) {
    width = w;
    height = h;
    data.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
  }
  float* row(int y) { return data.data() + static_cast<size_t>(y) * static_cast<size_t>(width); }
  const float* row(int y) const {
    return data.data() + static_cast<size_t>(y) * static_cast<size_t>(width);
  }
};

/// Y' at width x height, Cb' and Cr' at ceil(width/2) x ceil(height/2).
struct Picture {
  Plane y, cb, cr;

  void resize(int w, int h) {
    y.resize(w, h);
    cb.resize((w + 1) / 2, (h + 1) / 2);
    cr.resize((w + 1) / 2, (h + 1) / 2);
  }
  int width() const { return y.width; }
  int height() const { return y.height; }
  Plane& plane(int i) { return i == 0 ? y : i == 1 ? cb : cr; }
  const Plane& plane(int i) const { return i == 0 ? y : i == 1 ? cb : cr; }
  size_t bytes() const { return (y.data.size() + cb.data.size() + cr.data.size()) * sizeof(float); }
};

/// A source plane stored in blocks of 8 rows (block b holds rows 8b..8b+7),
/// and within a block in pairs of columns: pair p holds columns 2p and 2p+1
/// of the block's eight rows, row by row, so sample (x, 8b + r) is at
/// block(b)[16 * (x / 2) + 2 * r + x % 2]. The horizontal filter then reads
/// two taps of eight rows with one vector load and multiplies them with one
/// multiply-add of 16-bit pairs, with no gathers and no widening. Rows past
/// the bottom repeat the last row; a block ends with one or two pairs more
/// than the width needs, zero, since the horizontal pass reads up to
/// column width + 1 (with zero weight there).
/// Samples are signed 16-bit (value = sample * scale + offset): eight bits
/// finer than the output, and half the memory traffic of floats.
struct BlockedPlane {
  static constexpr int k_rows = 8;
  static constexpr int k_pair = 2 * k_rows;  ///< samples in a pair of columns
  int width = 0;
  int height = 0;
  float scale = 1;
  float offset = 0;
  std::vector<int16_t> data;

  int blocks() const { return (height + k_rows - 1) / k_rows; }
  /// Pairs of columns a block holds: the width's, rounded up, and the room
  /// past them (one pair for an odd width, two for an even one).
  int pairs() const { return width / 2 + 2; }
  size_t block_samples() const { return static_cast<size_t>(pairs()) * k_pair; }
  /// The samples a plane of `width` x `height` holds.
  static size_t samples_for(int width, int height) {
    BlockedPlane shape;
    shape.width = width;
    shape.height = height;
    return static_cast<size_t>(shape.blocks()) * shape.block_samples();
  }
  const int16_t* block(int b) const { return data.data() + static_cast<size_t>(b) * block_samples(); }
  /// Where sample (x, y) is in `data`.
  size_t index(int x, int y) const {
    return static_cast<size_t>(y / k_rows) * block_samples() + static_cast<size_t>(x / 2) * k_pair +
           static_cast<size_t>(2 * (y % k_rows) + x % 2);
  }
  float value(int x, int y) const { return static_cast<float>(data[index(x, y)]) * scale + offset; }
  /// A zeroed plane of `w` x `h` samples for values in `low`..`high`.
  void allocate(int w, int h, float low, float high);
  /// The sample nearest to `v` (clamped to the range the plane holds).
  int16_t code(float v) const;
  /// `low`..`high` is the range of values the plane can hold.
  static BlockedPlane from(const Plane& plane, float low = 0.0f, float high = 1.0f);
};

/// A slide's source picture, ready for resampling.
struct SourcePicture {
  BlockedPlane y, cb, cr;
  const BlockedPlane& plane(int i) const { return i == 0 ? y : i == 1 ? cb : cr; }
  size_t bytes() const {
    return (y.data.size() + cb.data.size() + cr.data.size()) * sizeof(int16_t);
  }
  /// Planes from a picture: Y' in [0, 1], chroma in [-0.5, 0.5].
  static SourcePicture from(const Picture& picture);
};

/// BT.709 R'G'B' (each in [0, 1]) to Y' [0, 1], Cb' and Cr' [-0.5, 0.5].
struct YCbCr {
  float y, cb, cr;
};
/// The same for floats or GCC float vectors, with the same operations.
template <class T>
inline void bt709_from_rgb(T r, T g, T b, T* y, T* cb, T* cr) {
  constexpr float kr = 0.2126f, kb = 0.0722f, kg = 1.0f - kr - kb;
  *y = kr * r + kg * g + kb * b;
  *cb = (b - *y) / (2 * (1 - kb));
  *cr = (r - *y) / (2 * (1 - kr));
}
inline YCbCr to_ycbcr(float r, float g, float b) {
  YCbCr v;
  bt709_from_rgb(r, g, b, &v.y, &v.cb, &v.cr);
  return v;
}

}  // namespace chunkreel
