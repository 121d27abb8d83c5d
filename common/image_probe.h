// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reads an image file's header, never its pixels: format, stored size and the
// EXIF orientation (JPEG, PNG, WebP, TIFF; HEIF and AVIF through libheif,
// whose sizes already count the container's rotation). The orchestrator probes every image this way before any
// worker starts, so a decompression bomb is refused from its header alone;
// workers use the same orientation when they decode.

#include <cstdint>
#include <string>

#include "common/error.h"

namespace chunkreel {

enum class ImageFormat { k_jpeg, k_png, k_webp, k_heif, k_avif, k_tiff };

struct ImageInfo {
  ImageFormat format = ImageFormat::k_jpeg;
  int stored_width = 0;   ///< as the pixels are stored
  int stored_height = 0;
  int orientation = 1;    ///< EXIF orientation 1..8 (1 when absent; HEIF: 1, as its
                          ///< irot/imir are applied when it is decoded)
  int64_t file_bytes = 0;
  /// Bytes a pixel takes once decoded, as the worker's decoder delivers it
  /// (from the header: components, subsampling, bit depth), for the memory
  /// estimate.
  double decoded_bytes_per_pixel = 3;
  /// Bytes a pixel takes at the decode's own peak, when that is above what
  /// it delivers (0: it is not): libheif holds its decoded planes and the
  /// intermediate images of its conversion to RGB at once, and frees all
  /// but the last before it returns.
  double decode_peak_bytes_per_pixel = 0;
  /// Bytes the decode holds at its peak whatever the image's size (a HEIC
  /// grid's tile decoder), on top of decode_peak_bytes_per_pixel's.
  double decode_fixed_bytes = 0;
  /// Bytes a stored pixel adds while a progressive JPEG decodes: FFmpeg
  /// keeps every DCT coefficient of the whole image (16 bits each, for
  /// each component at its sampling) until the last scan, whatever the
  /// scale it decodes at. 0 for every other coding.
  double coefficient_bytes_per_pixel = 0;
  /// When the photo was taken: EXIF DateTimeOriginal's date as
  /// "YYYY-MM-DD"; empty when the file does not say.
  std::string date_taken;

  /// True when the orientation swaps width and height (5..8).
  bool transposed() const { return orientation >= 5 && orientation <= 8; }
  int width() const { return transposed() ? stored_height : stored_width; }
  int height() const { return transposed() ? stored_width : stored_height; }
};

const char* to_string(ImageFormat format);

/// Probes `path`. Errors name the file and what is wrong with it.
Expected<ImageInfo> probe_image(const std::string& path);

/// Parses the EXIF orientation out of a TIFF structure ("II*\0" or "MM\0*"),
/// with or without a leading "Exif\0\0". Returns 1 when absent or malformed.
int exif_orientation(const uint8_t* data, size_t size);

/// The date of EXIF DateTimeOriginal (tag 0x9003 in the Exif IFD) in the
/// same kind of structure, as "YYYY-MM-DD"; empty when absent, blank
/// ("0000:00:00") or malformed.
std::string exif_date_taken(const uint8_t* data, size_t size);

}  // namespace chunkreel
