// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Decoding a photo's pixels, whole, as it is stored: libavcodec for JPEG,
// PNG, WebP and TIFF; libheif for HEIC/HEIF and AVIF (with the container's
// rotation, mirroring and crop applied, as libheif does).

#include <string>

#include "common/av_ptr.h"
#include "common/error.h"
#include "common/heif_file.h"

namespace chunkreel {

struct DecodedImage {
  /// The pixels. For HEIF its planes point into `heif`, which owns them.
  FramePtr frame;
  HeifImagePtr heif;
};

/// The least size (as stored) the decoded pixels are needed at. A JPEG at
/// least four times as large in both directions is decoded at half scale
/// (libavcodec's `lowres`, which scales in the inverse DCT), so the Lanczos
/// reduction that follows starts from a quarter of the pixels. 0 x 0:
/// always full size.
struct DecodeHint {
  int min_width = 0;
  int min_height = 0;
};

/// `image` is the file's probe (format and stored size).
Expected<DecodedImage> decode_image(const std::string& path, const ImageInfo& image,
                                    const DecodeHint& hint = {});

}  // namespace chunkreel
