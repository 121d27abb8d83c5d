// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Decoding an image file into the renderer's Y'CbCr float format, once per
// slide: decode (libavcodec, or libheif for HEIF/AVIF), reduce to the
// resolution the slide's motion can use (a Lanczos reduction, so nothing
// aliases later), convert an embedded colour profile to sRGB (LittleCMS),
// apply the EXIF orientation, composite any alpha over the background
// colour, and convert to BT.709 Y'CbCr with chroma averaged over 2x2 pixels.

#include <string>

#include "common/error.h"
#include "common/timeline.h"
#include "worker/picture.h"

namespace chunkreel {

struct ImageRequest {
  std::string path;
  int orientation = 1;     ///< EXIF orientation 1..8
  int target_width = 0;    ///< size wanted, display orientation
  int target_height = 0;
  Colour background;       ///< what transparent pixels become
  /// Let a large JPEG decode at a reduced scale first (see DecodeHint in
  /// image_decoder.h); off only to compare against the full decode.
  bool reduced_decode = true;
};

Expected<SourcePicture> load_image(const ImageRequest& request);

}  // namespace chunkreel
