// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/colour_transform.h"

#include "common/colour_profile.h"

namespace chunkreel {

std::unique_ptr<ColourTransform> ColourTransform::for_image(const std::string& path, ImageFormat format) {
  auto colour = read_embedded_colour(path, format);
  if (!colour) return nullptr;
  auto profile = make_profile(colour.value());
  if (!profile || !profile.value()) return nullptr;
  cmsHPROFILE source = profile.value().get();
  const bool grey = cmsGetColorSpace(source) == cmsSigGrayData;
  if (!grey && is_srgb_equivalent(source)) return nullptr;
  const LcmsProfilePtr srgb(cmsCreate_sRGBProfile());
  // Relative colorimetric, as browsers and photo viewers use for photos;
  // matrix-shaper profiles (phones, cameras) have no other intent anyway.
  cmsHTRANSFORM transform =
      grey ? cmsCreateTransform(source, TYPE_GRAY_16, srgb.get(), TYPE_RGB_16, INTENT_RELATIVE_COLORIMETRIC, 0)
           : cmsCreateTransform(source, TYPE_RGBA_16, srgb.get(), TYPE_RGBA_16, INTENT_RELATIVE_COLORIMETRIC,
                                cmsFLAGS_COPY_ALPHA);
  if (!transform) return nullptr;
  return std::unique_ptr<ColourTransform>(new ColourTransform(transform, grey));
}

ColourTransform::~ColourTransform() { cmsDeleteTransform(m_transform); }

void ColourTransform::apply(uint16_t* rgba, int pixels) {
  if (!m_grey) {
    cmsDoTransform(m_transform, rgba, rgba, static_cast<cmsUInt32Number>(pixels));
    return;
  }
  if (m_line_pixels < pixels) {
    m_line.reset(new uint16_t[static_cast<size_t>(pixels) * 4]);
    m_line_pixels = pixels;
  }
  uint16_t* grey = m_line.get();
  uint16_t* rgb = m_line.get() + pixels;
  for (int i = 0; i < pixels; ++i) grey[i] = rgba[4 * i];
  cmsDoTransform(m_transform, grey, rgb, static_cast<cmsUInt32Number>(pixels));
  for (int i = 0; i < pixels; ++i)
    for (int c = 0; c < 3; ++c) rgba[4 * i + c] = rgb[3 * i + c];
}

}  // namespace chunkreel
