#include "orchestrator/plan/content_cost.h"

#include <algorithm>

namespace chunkreel {
namespace {

// A format's bytes a pixel in JPEG terms: HEIF and AVIF hold the same detail
// in about half the bytes, lossy WebP in about two thirds; lossless PNG and
// TIFF take about three times as many.
double jpeg_equivalent(ImageFormat format) {
  switch (format) {
    case ImageFormat::k_heif:
    case ImageFormat::k_avif: return 2.0;
    case ImageFormat::k_webp: return 1.5;
    case ImageFormat::k_png:
    case ImageFormat::k_tiff: return 1.0 / 3.0;
    default: return 1.0;
  }
}

}  // namespace

double encode_weight(const ImageInfo& image) {
  const double pixels = double(image.stored_width) * image.stored_height;
  if (pixels <= 0 || image.file_bytes <= 0) return 1.0;
  const double bytes_per_pixel = std::clamp(image.file_bytes / pixels * jpeg_equivalent(image.format), 0.0, 3.0);
  return (0.63 + bytes_per_pixel) / (0.63 + 0.5);  // 1 at half a byte a pixel
}

}  // namespace chunkreel
