#pragma once
// Transitions as pure functions of progress: out = f(a, b, p), where a is
// the outgoing slide's frame, b the incoming one's and p in [0, 1]. Every
// plane is mixed at its own sample positions, so chroma follows luma exactly.

#include "common/timeline.h"
#include "worker/picture.h"

namespace chunkreel {

/// `out` must have the size of `a` and `b`; it may not alias them.
void compose_transition(TransitionType type, double progress, const Picture& a,
                        const Picture& b, const YCbCr& background, Picture* out);

/// Width of a wipe's soft edge, as a fraction of the dimension it crosses.
constexpr double k_wipe_softness = 0.04;

}  // namespace chunkreel
