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

/// The least size (as stored) the decoded pixels are needed at. A JPEG is
/// decoded at 1/2, 1/4 or 1/8 scale (libavcodec's `lowres`, which scales in
/// the inverse DCT) when it stays at least twice that size in both
/// directions, so the Lanczos reduction that follows starts from fewer
/// pixels; never below 1/2^max_lowres. 0 x 0: always full size.
struct DecodeHint {
  int min_width = 0;
  int min_height = 0;
  /// The renderer keeps to half scale, since the 1/4 and 1/8 inverse DCTs
  /// lose detail a later reduction would keep; finding subjects on a small
  /// copy can go to 3.
  int max_lowres = 1;
};

/// `image` is the file's probe (format and stored size).
Expected<DecodedImage> decode_image(const std::string& path, const ImageInfo& image,
                                    const DecodeHint& hint = {});

}  // namespace chunkreel
