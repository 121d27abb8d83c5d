// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/picture.h"

#include <algorithm>

namespace chunkreel {

// Samples run from -32768 to 32767 for `low` to `high`: the 65536 steps of
// an unsigned 16-bit code, moved down by 32768 so that they are signed, as
// the multiply-add of 16-bit pairs needs.
void BlockedPlane::allocate(int w, int h, float low, float high) {
  width = w;
  height = h;
  scale = (high - low) / 65535.0f;
  offset = low + 32768.0f * scale;
  data.assign(samples_for(w, h), 0);
}

int16_t BlockedPlane::code(float v) const {
  const float step = std::clamp((v - offset) / scale + 32768.5f, 0.0f, 65535.0f);
  return static_cast<int16_t>(static_cast<int>(step) - 32768);
}

BlockedPlane BlockedPlane::from(const Plane& plane, float low, float high) {
  BlockedPlane blocked;
  blocked.allocate(plane.width, plane.height, low, high);
  for (int y = 0; y < blocked.blocks() * k_rows; ++y) {
    const float* row = plane.row(std::min(y, plane.height - 1));
    for (int x = 0; x < plane.width; ++x) blocked.data[blocked.index(x, y)] = blocked.code(row[x]);
  }
  return blocked;
}

SourcePicture SourcePicture::from(const Picture& picture) {
  SourcePicture source;
  source.y = BlockedPlane::from(picture.y, 0.0f, 1.0f);
  source.cb = BlockedPlane::from(picture.cb, -0.5f, 0.5f);
  source.cr = BlockedPlane::from(picture.cr, -0.5f, 0.5f);
  return source;
}

}  // namespace chunkreel
