// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The colour description a photo carries, read from its file's metadata
// (never its pixels), and turned into a LittleCMS profile.
//
// Where each format keeps it: JPEG in APP2 "ICC_PROFILE" segments (in
// order, possibly several); PNG in iCCP, else cHRM and gAMA (an sRGB chunk
// means sRGB); WebP in its ICCP chunk; TIFF in tag 34675; HEIF and AVIF in
// their colr box, as an ICC profile (prof/rICC) or as nclx code points. A
// photo with none of these is sRGB.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <lcms2.h>

#include "common/error.h"
#include "common/image_probe.h"

namespace chunkreel {

struct EmbeddedColour {
  enum class Kind { k_srgb, k_icc, k_primaries };
  enum class Transfer { k_srgb, k_gamma };
  Kind kind = Kind::k_srgb;
  std::vector<uint8_t> icc;  ///< k_icc: the profile's bytes
  // k_primaries: CIE xy of the white point and the three primaries, and the
  // transfer curve (decoding: stored value -> light).
  double white[2] = {0.3127, 0.3290};
  double red[2] = {0.64, 0.33};
  double green[2] = {0.30, 0.60};
  double blue[2] = {0.15, 0.06};
  Transfer transfer = Transfer::k_srgb;
  double gamma = 2.2;  ///< k_gamma
  std::string note;    ///< what could not be used, for a warning ("PQ transfer")
};

/// The colour description of `path` (a `format` file), from its metadata.
/// Errors name what is unreadable; the caller then treats the photo as sRGB.
Expected<EmbeddedColour> read_embedded_colour(const std::string& path, ImageFormat format);

struct LcmsProfileDeleter {
  void operator()(void* p) const { cmsCloseProfile(p); }
};
using LcmsProfilePtr = std::unique_ptr<void, LcmsProfileDeleter>;

/// The LittleCMS profile `colour` describes: null for sRGB, and an error
/// when an embedded ICC profile cannot be opened or is neither RGB nor grey.
Expected<LcmsProfilePtr> make_profile(const EmbeddedColour& colour);

/// True when converting from `profile` to sRGB changes no colour by more
/// than a fraction of a level: then the conversion can be skipped.
bool is_srgb_equivalent(cmsHPROFILE profile);

}  // namespace chunkreel
