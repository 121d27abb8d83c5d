#pragma once
// Planar float RGB pictures, the renderer's working format. Values are
// gamma-encoded sRGB in [0, 1]: more than 8 bits all the way through, rounded
// once when converted to the encoder's YUV.

#include <array>
#include <cstddef>
#include <vector>

namespace chunkreel {

struct PlanarImage {
  int width = 0;
  int height = 0;
  std::array<std::vector<float>, 3> planes;  ///< R, G, B; row-major, no padding

  void resize(int w, int h) {
    width = w;
    height = h;
    for (auto& plane : planes) plane.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
  }
  float* row(int channel, int y) {
    return planes[channel].data() + static_cast<size_t>(y) * static_cast<size_t>(width);
  }
  const float* row(int channel, int y) const {
    return planes[channel].data() + static_cast<size_t>(y) * static_cast<size_t>(width);
  }
  size_t bytes() const { return planes[0].size() * 3 * sizeof(float); }
};

}  // namespace chunkreel
