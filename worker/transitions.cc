#include "worker/transitions.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

void blend(const PlanarImage& a, const PlanarImage& b, float wb, PlanarImage* out) {
  const float wa = 1.0f - wb;
  for (int c = 0; c < 3; ++c) {
    const float* pa = a.planes[c].data();
    const float* pb = b.planes[c].data();
    float* po = out->planes[c].data();
    const size_t n = a.planes[c].size();
    for (size_t i = 0; i < n; ++i) po[i] = wa * pa[i] + wb * pb[i];
  }
}

void blend_with_colour(const PlanarImage& a, const float colour[3], float wc, PlanarImage* out) {
  const float wa = 1.0f - wc;
  for (int c = 0; c < 3; ++c) {
    const float* pa = a.planes[c].data();
    float* po = out->planes[c].data();
    const float add = wc * colour[c];
    const size_t n = a.planes[c].size();
    for (size_t i = 0; i < n; ++i) po[i] = wa * pa[i] + add;
  }
}

// Weight of b along one axis for a wipe whose soft edge sits at `edge`;
// `b_after` says whether b lies on the high side of the edge.
void wipe_weights(int size, double progress, bool b_after, std::vector<float>* weights) {
  const double soft = std::max(1.0, k_wipe_softness * size);
  const double travel = size + soft;
  weights->resize(size);
  for (int i = 0; i < size; ++i) {
    const double x = i + 0.5;
    double edge = b_after ? size + soft / 2 - progress * travel : -soft / 2 + progress * travel;
    double toward_b = b_after ? (x - edge) / soft + 0.5 : (edge - x) / soft + 0.5;
    (*weights)[i] = static_cast<float>(smoothstep(toward_b));
  }
}

void wipe(const PlanarImage& a, const PlanarImage& b, double p, bool horizontal, bool b_after,
          PlanarImage* out) {
  std::vector<float> weights;
  wipe_weights(horizontal ? a.width : a.height, p, b_after, &weights);
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < a.height; ++y) {
      const float* pa = a.row(c, y);
      const float* pb = b.row(c, y);
      float* po = out->row(c, y);
      for (int x = 0; x < a.width; ++x) {
        const float w = horizontal ? weights[x] : weights[y];
        po[x] = pa[x] + w * (pb[x] - pa[x]);
      }
    }
  }
}

// Sample a row at fractional position s, linear between neighbours.
inline float sample(const float* row, int width, double s) {
  s = std::clamp(s, 0.0, width - 1.0);
  const int i = static_cast<int>(s);
  const float f = static_cast<float>(s - i);
  return i + 1 < width ? row[i] + f * (row[i + 1] - row[i]) : row[i];
}

// The incoming slide pushes the outgoing one out; `leftward` is the direction
// of travel.
void push(const PlanarImage& a, const PlanarImage& b, double p, bool leftward, PlanarImage* out) {
  const int w = a.width;
  const double shift = p * w;  // how far both pictures have travelled
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < a.height; ++y) {
      const float* pa = a.row(c, y);
      const float* pb = b.row(c, y);
      float* po = out->row(c, y);
      for (int x = 0; x < w; ++x) {
        if (leftward) {
          const double in_a = x + shift;  // a's column shown at x
          po[x] = in_a <= w - 1 ? sample(pa, w, in_a) : sample(pb, w, in_a - w);
        } else {
          const double in_a = x - shift;
          po[x] = in_a >= 0 ? sample(pa, w, in_a) : sample(pb, w, in_a + w);
        }
      }
    }
  }
}

}  // namespace

void compose_transition(TransitionType type, double progress, const PlanarImage& a,
                        const PlanarImage& b, const float background[3], PlanarImage* out) {
  const double p = std::clamp(progress, 0.0, 1.0);
  switch (type) {
    case TransitionType::k_cut:
      blend(a, b, 1.0f, out);
      return;
    case TransitionType::k_crossfade:
      blend(a, b, static_cast<float>(p), out);
      return;
    case TransitionType::k_fade_black:
      // A dip through the background colour: out to it, then in from it.
      if (p < 0.5)
        blend_with_colour(a, background, static_cast<float>(2 * p), out);
      else
        blend_with_colour(b, background, static_cast<float>(2 - 2 * p), out);
      return;
    case TransitionType::k_wipe_left:
      wipe(a, b, smoothstep(p), true, true, out);
      return;
    case TransitionType::k_wipe_right:
      wipe(a, b, smoothstep(p), true, false, out);
      return;
    case TransitionType::k_wipe_up:
      wipe(a, b, smoothstep(p), false, true, out);
      return;
    case TransitionType::k_wipe_down:
      wipe(a, b, smoothstep(p), false, false, out);
      return;
    case TransitionType::k_slide_left:
      push(a, b, smoothstep(p), true, out);
      return;
    case TransitionType::k_slide_right:
      push(a, b, smoothstep(p), false, out);
      return;
  }
}

}  // namespace chunkreel
