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

Expected<DecodedImage> decode_image(const std::string& path, ImageFormat format);

}  // namespace chunkreel
