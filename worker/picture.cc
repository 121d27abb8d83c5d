#include "worker/picture.h"

#include <algorithm>

namespace chunkreel {

BlockedPlane BlockedPlane::from(const Plane& plane, float low, float high) {
  BlockedPlane blocked;
  blocked.width = plane.width;
  blocked.height = plane.height;
  blocked.scale = (high - low) / 65535.0f;
  blocked.offset = low;
  const float to_code = 65535.0f / (high - low);
  blocked.data.resize(static_cast<size_t>(blocked.blocks()) * plane.width * k_rows);
  for (int b = 0; b < blocked.blocks(); ++b) {
    uint16_t* out = blocked.data.data() + static_cast<size_t>(b) * plane.width * k_rows;
    for (int r = 0; r < k_rows; ++r) {
      const float* row = plane.row(std::min(b * k_rows + r, plane.height - 1));
      for (int x = 0; x < plane.width; ++x) {
        const float code = std::clamp((row[x] - low) * to_code + 0.5f, 0.0f, 65535.0f);
        out[static_cast<size_t>(x) * k_rows + r] = static_cast<uint16_t>(code);
      }
    }
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
