// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A photo's colours converted to sRGB (the working space: BT.709 primaries)
// with LittleCMS, on rows of 16-bit RGBA, before any resampling.

#include <cstdint>
#include <memory>
#include <string>

#include <lcms2.h>

#include "common/image_probe.h"

namespace chunkreel {

class ColourTransform {
 public:
  /// The transform a photo needs, or null when it needs none: untagged,
  /// already sRGB (within an eighth of a level), or a profile that cannot
  /// be read (the orchestrator warned about it; the photo is shown as sRGB).
  static std::unique_ptr<ColourTransform> for_image(const std::string& path, ImageFormat format);
  ~ColourTransform();
  ColourTransform(const ColourTransform&) = delete;
  ColourTransform& operator=(const ColourTransform&) = delete;

  /// Converts `pixels` RGBA pixels in place; alpha is kept.
  void apply(uint16_t* rgba, int pixels);

 private:
  ColourTransform(cmsHTRANSFORM transform, bool grey) : m_transform(transform), m_grey(grey) {}
  cmsHTRANSFORM m_transform;
  bool m_grey;  ///< a grey profile: the transform reads one channel
  std::unique_ptr<uint16_t[]> m_line;  ///< grey: one row's grey values and their RGB
  int m_line_pixels = 0;
};

}  // namespace chunkreel
