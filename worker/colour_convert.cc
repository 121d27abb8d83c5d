#include "worker/colour_convert.h"

#include <algorithm>
#include <cstdint>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "worker/picture.h"

namespace chunkreel {
namespace {

// 8x8 Bayer matrix; (value + 0.5) / 64 - 0.5 is a zero-mean offset in
// (-0.5, 0.5). Static in time so still areas stay still (and compress well).
constexpr uint8_t k_bayer[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},  {48, 16, 56, 24, 50, 18, 58, 26},
    {12, 44, 4, 36, 14, 46, 6, 38}, {60, 28, 52, 20, 62, 30, 54, 22},
    {3, 35, 11, 43, 1, 33, 9, 41},  {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37}, {63, 31, 55, 23, 61, 29, 53, 21},
};

// out = round(scale * v + offset + dither), clamped to 0..255; the dither
// (and the 0.5 that turns truncation into rounding) is folded into one
// repeating row pattern so the loop vectorises.
__attribute__((target_clones("avx2", "default")))
void quantise_row(const float* v, int n, float scale, const float* offsets, uint8_t* out) {
  for (int x = 0; x < n; ++x) {
    float q = scale * v[x] + offsets[x];
    q = q < 0.0f ? 0.0f : (q > 255.0f ? 255.0f : q);
    out[x] = static_cast<uint8_t>(q);
  }
}

void quantise_plane(const Plane& plane, float scale, float offset, int phase, uint8_t* data,
                    int linesize) {
  // The eight row patterns of offsets, built once per plane.
  thread_local std::vector<float> offsets;
  const size_t w = static_cast<size_t>(plane.width);
  offsets.resize(8 * w);
  for (int r = 0; r < 8; ++r) {
    const uint8_t* pattern = k_bayer[(r + phase) & 7];
    for (size_t x = 0; x < w; ++x)
      offsets[r * w + x] = offset + (pattern[(x + phase) & 7] + 0.5f) / 64.0f;
  }
  for (int y = 0; y < plane.height; ++y)
    quantise_row(plane.row(y), plane.width, scale, offsets.data() + (y & 7) * w,
                 data + static_cast<ptrdiff_t>(y) * linesize);
}

}  // namespace

void bt709_limited(double r, double g, double b, double* y, double* cb, double* cr) {
  const YCbCr v = to_ycbcr(static_cast<float>(r / 255), static_cast<float>(g / 255),
                           static_cast<float>(b / 255));
  *y = 16 + 219.0 * v.y;
  *cb = 128 + 224.0 * v.cb;
  *cr = 128 + 224.0 * v.cr;
}

void quantise_to_frame(const Picture& picture, AVFrame* frame) {
  quantise_plane(picture.y, 219.0f, 16.0f, 0, frame->data[0], frame->linesize[0]);
  // Chroma planes take shifted dither phases so their patterns do not align.
  quantise_plane(picture.cb, 224.0f, 128.0f, 3, frame->data[1], frame->linesize[1]);
  quantise_plane(picture.cr, 224.0f, 128.0f, 5, frame->data[2], frame->linesize[2]);
}

}  // namespace chunkreel
