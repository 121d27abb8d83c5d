#include "worker/transitions.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace chunkreel {
namespace {

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

float channel(const YCbCr& c, int plane) { return plane == 0 ? c.y : plane == 1 ? c.cb : c.cr; }

void blend(const Picture& a, const Picture& b, float wb, Picture* out) {
  const float wa = 1.0f - wb;
  for (int i = 0; i < 3; ++i) {
    const float* pa = a.plane(i).data.data();
    const float* pb = b.plane(i).data.data();
    float* po = out->plane(i).data.data();
    const size_t n = a.plane(i).data.size();
    for (size_t k = 0; k < n; ++k) po[k] = wa * pa[k] + wb * pb[k];
  }
}

void blend_with_colour(const Picture& a, const YCbCr& colour, float wc, Picture* out) {
  const float wa = 1.0f - wc;
  for (int i = 0; i < 3; ++i) {
    const float* pa = a.plane(i).data.data();
    float* po = out->plane(i).data.data();
    const float add = wc * channel(colour, i);
    const size_t n = a.plane(i).data.size();
    for (size_t k = 0; k < n; ++k) po[k] = wa * pa[k] + add;
  }
}

// Weight of b at each sample along one axis of a wipe. `luma_size` is the
// frame's size along the axis, `position(i)` a sample's centre in luma
// pixels; `b_after` says whether b comes in from the high side.
template <typename Position>
void wipe_weights(int samples, int luma_size, double progress, bool b_after, Position position,
                  std::vector<float>* weights) {
  const double soft = std::max(1.0, k_wipe_softness * luma_size);
  const double travel = luma_size + soft;
  const double edge = b_after ? luma_size + soft / 2 - progress * travel
                              : -soft / 2 + progress * travel;
  weights->resize(samples);
  for (int i = 0; i < samples; ++i) {
    const double x = position(i);
    const double toward_b = b_after ? (x - edge) / soft + 0.5 : (edge - x) / soft + 0.5;
    (*weights)[i] = static_cast<float>(smoothstep(toward_b));
  }
}

void wipe(const Picture& a, const Picture& b, double p, bool horizontal, bool b_after,
          Picture* out) {
  std::vector<float> weights;
  for (int i = 0; i < 3; ++i) {
    const Plane& pa = a.plane(i);
    const Plane& pb = b.plane(i);
    Plane& po = out->plane(i);
    const bool chroma = i > 0;
    // Luma samples sit at centres; 4:2:0 chroma on even columns (left-sited)
    // and between row pairs.
    if (horizontal)
      wipe_weights(pa.width, a.width(), p, b_after,
                   [chroma](int k) { return chroma ? 2.0 * k + 0.5 : k + 0.5; }, &weights);
    else
      wipe_weights(pa.height, a.height(), p, b_after,
                   [chroma](int k) { return chroma ? 2.0 * k + 1.0 : k + 0.5; }, &weights);
    for (int y = 0; y < pa.height; ++y) {
      const float* ra = pa.row(y);
      const float* rb = pb.row(y);
      float* ro = po.row(y);
      for (int x = 0; x < pa.width; ++x) {
        const float w = horizontal ? weights[x] : weights[y];
        ro[x] = ra[x] + w * (rb[x] - ra[x]);
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
void push(const Picture& a, const Picture& b, double p, bool leftward, Picture* out) {
  for (int i = 0; i < 3; ++i) {
    const Plane& pa = a.plane(i);
    const Plane& pb = b.plane(i);
    Plane& po = out->plane(i);
    const int w = pa.width;
    const double shift = p * w;  // how far both pictures have travelled, in this plane's samples
    for (int y = 0; y < pa.height; ++y) {
      const float* ra = pa.row(y);
      const float* rb = pb.row(y);
      float* ro = po.row(y);
      for (int x = 0; x < w; ++x) {
        if (leftward) {
          const double in_a = x + shift;  // a's column shown at x
          ro[x] = in_a <= w - 1 ? sample(ra, w, in_a) : sample(rb, w, in_a - w);
        } else {
          const double in_a = x - shift;
          ro[x] = in_a >= 0 ? sample(ra, w, in_a) : sample(rb, w, in_a + w);
        }
      }
    }
  }
}

}  // namespace

void compose_transition(TransitionType type, double progress, const Picture& a,
                        const Picture& b, const YCbCr& background, Picture* out) {
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
