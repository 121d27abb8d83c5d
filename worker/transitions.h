// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Transitions as pure functions of progress: out = f(a, b, p), where a is
// the outgoing slide's frame, b the incoming one's and p in [0, 1]. Every
// plane is mixed at its own sample positions, so chroma follows luma exactly.
// The mixer works a row at a time, so the renderer can mix each row of the
// incoming slide as it is produced and never hold a second whole frame.

#include <vector>

#include "common/timeline.h"
#include "worker/picture.h"

namespace chunkreel {

class TransitionMixer {
 public:
  /// For a frame of `width` x `height` luma samples.
  TransitionMixer(TransitionType type, double progress, int width, int height,
                  const YCbCr& background);

  /// out = the row `y` of plane `plane` (0 Y', 1 Cb', 2 Cr') mixed from a's
  /// and b's rows of `samples` samples. `out` may alias `b`, never `a`.
  void mix_row(int plane, int y, const float* a, const float* b, int samples, float* out) const;

  /// For transitions that weigh every sample of a plane alike (cut,
  /// crossfade, dip to the background): sets out = mix[0] * a + mix[1] * b
  /// + *constant for `plane` and returns true; false for the others.
  bool constant_mix(int plane, float mix[2], float* constant) const;

 private:
  TransitionType m_type;
  double m_progress;  ///< eased where the transition eases
  int m_width;
  int m_height;
  YCbCr m_background;
  std::vector<float> m_column_weights[2];  ///< horizontal wipes: luma, chroma
};

/// Whole-picture form (tests): `out` must have the size of `a` and `b`.
void compose_transition(TransitionType type, double progress, const Picture& a,
                        const Picture& b, const YCbCr& background, Picture* out);

/// Width of a wipe's soft edge, as a fraction of the dimension it crosses.
constexpr double k_wipe_softness = 0.04;

}  // namespace chunkreel
