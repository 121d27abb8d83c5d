// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/transitions.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

float channel(const YCbCr& c, int plane) { return plane == 0 ? c.y : plane == 1 ? c.cb : c.cr; }

bool is_wipe(TransitionType t) {
  return t == TransitionType::k_wipe_left || t == TransitionType::k_wipe_right ||
         t == TransitionType::k_wipe_up || t == TransitionType::k_wipe_down;
}

// Does b come in from the high side (right, bottom) of the axis it crosses?
bool from_high_side(TransitionType t) {
  return t == TransitionType::k_wipe_left || t == TransitionType::k_wipe_up;
}

// Weight of b at position `x` (luma pixels) across a wipe whose frame is
// `size` long on that axis.
float wipe_weight(double x, int size, double progress, bool b_after) {
  const double soft = std::max(1.0, k_wipe_softness * size);
  const double travel = size + soft;
  const double edge = b_after ? size + soft / 2 - progress * travel : -soft / 2 + progress * travel;
  const double toward_b = b_after ? (x - edge) / soft + 0.5 : (edge - x) / soft + 0.5;
  return static_cast<float>(smoothstep(toward_b));
}

// Where sample k of a plane lies in luma pixels: luma at centres, 4:2:0
// chroma on even columns (left-sited) and between row pairs.
double column_position(bool chroma, int k) { return chroma ? 2.0 * k + 0.5 : k + 0.5; }
double row_position(bool chroma, int k) { return chroma ? 2.0 * k + 1.0 : k + 0.5; }

// Sample a row at fractional position s, linear between neighbours.
inline float sample(const float* row, int width, double s) {
  s = std::clamp(s, 0.0, width - 1.0);
  const int i = static_cast<int>(s);
  const float f = static_cast<float>(s - i);
  return i + 1 < width ? row[i] + f * (row[i + 1] - row[i]) : row[i];
}

}  // namespace

TransitionMixer::TransitionMixer(TransitionType type, double progress, int width, int height,
                                 const YCbCr& background)
    : m_type(type), m_width(width), m_height(height), m_background(background) {
  const double p = std::clamp(progress, 0.0, 1.0);
  // Wipes and pushes start and stop gently; fades are linear in time.
  const bool eased = is_wipe(type) || type == TransitionType::k_slide_left ||
                     type == TransitionType::k_slide_right;
  m_progress = eased ? smoothstep(p) : p;
  if (type == TransitionType::k_wipe_left || type == TransitionType::k_wipe_right) {
    for (int chroma = 0; chroma < 2; ++chroma) {
      const int samples = chroma ? (width + 1) / 2 : width;
      m_column_weights[chroma].resize(samples);
      for (int k = 0; k < samples; ++k)
        m_column_weights[chroma][k] =
            wipe_weight(column_position(chroma, k), width, m_progress, from_high_side(type));
    }
  }
}

void TransitionMixer::mix_row(int plane, int y, const float* a, const float* b, int samples,
                              float* out) const {
  const bool chroma = plane > 0;
  switch (m_type) {
    case TransitionType::k_cut:
      std::copy(b, b + samples, out);
      return;
    case TransitionType::k_crossfade: {
      const float wb = static_cast<float>(m_progress), wa = 1.0f - wb;
      for (int x = 0; x < samples; ++x) out[x] = wa * a[x] + wb * b[x];
      return;
    }
    case TransitionType::k_fade_black: {
      // A dip through the background colour: out to it, then in from it.
      const bool first_half = m_progress < 0.5;
      const float wc = static_cast<float>(first_half ? 2 * m_progress : 2 - 2 * m_progress);
      const float add = wc * channel(m_background, plane);
      const float* from = first_half ? a : b;
      for (int x = 0; x < samples; ++x) out[x] = (1.0f - wc) * from[x] + add;
      return;
    }
    case TransitionType::k_wipe_left:
    case TransitionType::k_wipe_right: {
      const float* w = m_column_weights[chroma].data();
      for (int x = 0; x < samples; ++x) out[x] = a[x] + w[x] * (b[x] - a[x]);
      return;
    }
    case TransitionType::k_wipe_up:
    case TransitionType::k_wipe_down: {
      const float w = wipe_weight(row_position(chroma, y), m_height, m_progress,
                                  from_high_side(m_type));
      for (int x = 0; x < samples; ++x) out[x] = a[x] + w * (b[x] - a[x]);
      return;
    }
    case TransitionType::k_slide_left:
    case TransitionType::k_slide_right: {
      // Both pictures travel by the same distance; b's row is copied first
      // because `out` may alias it.
      thread_local std::vector<float> incoming;
      incoming.assign(b, b + samples);
      const double shift = m_progress * samples;
      const bool leftward = m_type == TransitionType::k_slide_left;
      for (int x = 0; x < samples; ++x) {
        if (leftward) {
          const double in_a = x + shift;  // a's sample shown at x
          out[x] = in_a <= samples - 1 ? sample(a, samples, in_a)
                                       : sample(incoming.data(), samples, in_a - samples);
        } else {
          const double in_a = x - shift;
          out[x] = in_a >= 0 ? sample(a, samples, in_a)
                             : sample(incoming.data(), samples, in_a + samples);
        }
      }
      return;
    }
  }
}

bool TransitionMixer::constant_mix(int plane, float mix[2], float* constant) const {
  *constant = 0;
  switch (m_type) {
    case TransitionType::k_cut:
      mix[0] = 0;
      mix[1] = 1;
      return true;
    case TransitionType::k_crossfade:
      mix[1] = static_cast<float>(m_progress);
      mix[0] = 1.0f - mix[1];
      return true;
    case TransitionType::k_fade_black: {
      const bool first_half = m_progress < 0.5;
      const float wc = static_cast<float>(first_half ? 2 * m_progress : 2 - 2 * m_progress);
      mix[first_half ? 0 : 1] = 1.0f - wc;
      mix[first_half ? 1 : 0] = 0;
      *constant = wc * channel(m_background, plane);
      return true;
    }
    default:
      return false;
  }
}

void compose_transition(TransitionType type, double progress, const Picture& a,
                        const Picture& b, const YCbCr& background, Picture* out) {
  const TransitionMixer mixer(type, progress, a.width(), a.height(), background);
  for (int plane = 0; plane < 3; ++plane) {
    const Plane& pa = a.plane(plane);
    for (int y = 0; y < pa.height; ++y)
      mixer.mix_row(plane, y, pa.row(y), b.plane(plane).row(y), pa.width,
                    out->plane(plane).row(y));
  }
}

}  // namespace chunkreel
