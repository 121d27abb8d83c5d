#include "worker/colour_convert.h"

#include <algorithm>
#include <cstdint>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "worker/planar_image.h"

namespace chunkreel {
namespace {

constexpr float k_kr = 0.2126f;
constexpr float k_kb = 0.0722f;
constexpr float k_kg = 1.0f - k_kr - k_kb;

// 8x8 Bayer matrix; (value + 0.5) / 64 - 0.5 is a zero-mean offset in
// (-0.5, 0.5). Static in time so still areas stay still (and compress well).
constexpr uint8_t k_bayer[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},  {48, 16, 56, 24, 50, 18, 58, 26},
    {12, 44, 4, 36, 14, 46, 6, 38}, {60, 28, 52, 20, 62, 30, 54, 22},
    {3, 35, 11, 43, 1, 33, 9, 41},  {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37}, {63, 31, 55, 23, 61, 29, 53, 21},
};

inline uint8_t quantise(float value, float dither) {
  float v = value + dither + 0.5f;
  v = std::clamp(v, 0.0f, 255.0f);
  return static_cast<uint8_t>(v);
}

inline float dither_at(int x, int y) { return (k_bayer[y & 7][x & 7] + 0.5f) / 64.0f - 0.5f; }

}  // namespace

void bt709_limited(double r, double g, double b, double* y, double* cb, double* cr) {
  double rn = r / 255, gn = g / 255, bn = b / 255;
  double luma = k_kr * rn + k_kg * gn + k_kb * bn;
  *y = 16 + 219 * luma;
  *cb = 128 + 224 * (bn - luma) / (2 * (1 - k_kb));
  *cr = 128 + 224 * (rn - luma) / (2 * (1 - k_kr));
}

void convert_to_yuv420(const PlanarImage& rgb, AVFrame* frame) {
  const int w = rgb.width;
  const int h = rgb.height;
  const float y_scale = 219.0f;
  const float cb_scale = 224.0f / (2 * (1 - k_kb));
  const float cr_scale = 224.0f / (2 * (1 - k_kr));

  for (int y = 0; y < h; ++y) {
    const float* r = rgb.row(0, y);
    const float* g = rgb.row(1, y);
    const float* b = rgb.row(2, y);
    uint8_t* out = frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0];
    for (int x = 0; x < w; ++x) {
      float luma = k_kr * r[x] + k_kg * g[x] + k_kb * b[x];
      out[x] = quantise(16.0f + y_scale * luma, dither_at(x, y));
    }
  }

  // Chroma: average the two rows, then [1 2 1] / 4 around each even column.
  thread_local std::vector<float> pair[3];
  for (auto& p : pair) p.resize(static_cast<size_t>(w));
  for (int cy = 0; cy < h / 2; ++cy) {
    for (int c = 0; c < 3; ++c) {
      const float* top = rgb.row(c, 2 * cy);
      const float* bottom = rgb.row(c, 2 * cy + 1);
      float* p = pair[c].data();
      for (int x = 0; x < w; ++x) p[x] = 0.5f * (top[x] + bottom[x]);
    }
    uint8_t* u = frame->data[1] + static_cast<ptrdiff_t>(cy) * frame->linesize[1];
    uint8_t* v = frame->data[2] + static_cast<ptrdiff_t>(cy) * frame->linesize[2];
    for (int cx = 0; cx < w / 2; ++cx) {
      const int x = 2 * cx;
      const int left = x > 0 ? x - 1 : 0;
      const int right = x + 1 < w ? x + 1 : w - 1;
      float s[3];
      for (int c = 0; c < 3; ++c)
        s[c] = 0.25f * (pair[c][left] + 2 * pair[c][x] + pair[c][right]);
      float luma = k_kr * s[0] + k_kg * s[1] + k_kb * s[2];
      float d = dither_at(cx + 3, cy + 5);
      u[cx] = quantise(128.0f + cb_scale * (s[2] - luma), d);
      v[cx] = quantise(128.0f + cr_scale * (s[0] - luma), -d);
    }
  }
}

}  // namespace chunkreel
