// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/auto_motion.h"

#include <cstdint>
#include <cmath>
#include <filesystem>

namespace chunkreel {
namespace {

// FNV-1a: stable across runs and platforms, unlike std::hash.
uint64_t fnv1a(const std::string& text, uint64_t hash = 1469598103934665603ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

double unit(uint64_t hash, int salt) {
  uint64_t h = fnv1a(std::to_string(salt), hash);
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
}

}  // namespace

AutoMotionDraw auto_motion_draw(int slide_index, const std::string& image_path, int image_width,
                                int image_height) {
  const std::string key = std::filesystem::path(image_path).filename().string() + ":" +
                          std::to_string(image_width) + "x" + std::to_string(image_height) +
                          ":" + std::to_string(slide_index);
  const uint64_t hash = fnv1a(key);
  AutoMotionDraw draw;
  draw.zoom = 1.12 + 0.12 * unit(hash, 1);
  draw.angle = 6.283185307179586 * unit(hash, 2);
  draw.reach = 0.5 + 0.4 * unit(hash, 3);
  return draw;
}

Motion auto_motion(int slide_index, const std::string& image_path, int image_width,
                   int image_height) {
  const AutoMotionDraw draw = auto_motion_draw(slide_index, image_path, image_width, image_height);
  // Pan a modest distance in a direction from the hash; at the closer view
  // the window has room to move by (1 - 1/zoom) / 2 of the image each way.
  const double room = (1 - 1 / draw.zoom) / 2;
  const double dx = room * draw.reach * std::cos(draw.angle);
  const double dy = room * draw.reach * std::sin(draw.angle);

  Motion motion;
  motion.easing = Easing::k_ease_in_out;
  ViewPoint wide{1.0, 0.5, 0.5};
  ViewPoint close{draw.zoom, 0.5 + dx, 0.5 + dy};
  if (slide_index % 2 == 0) {
    motion.from = wide;
    motion.to = close;
  } else {
    motion.from = close;
    motion.to = wide;
  }
  return motion;
}

}  // namespace chunkreel
