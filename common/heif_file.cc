// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/heif_file.h"

#include <cstring>
#include <fstream>
#include <vector>

namespace chunkreel {
namespace {

uint64_t be(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// Walks the top-level boxes: each must end inside the file, or the file
// was cut short (usually in its last box, the media data).
bool boxes_fit(const std::string& path, int64_t file_bytes) {
  std::ifstream in(path, std::ios::binary);
  int64_t at = 0;
  while (at < file_bytes) {
    uint8_t header[16];
    in.seekg(at);
    in.read(reinterpret_cast<char*>(header), 16);
    if (in.gcount() < 8) return false;
    uint64_t size = be(header, 4);
    if (size == 1) {
      if (in.gcount() < 16) return false;
      size = be(header + 8, 8);
    } else if (size == 0) {
      return true;  // extends to the end of the file
    }
    if (size < 8 || at + static_cast<int64_t>(size) > file_bytes) return false;
    at += static_cast<int64_t>(size);
  }
  return true;
}

}  // namespace

Expected<HeifPrimary> open_heif(const std::string& path) {
  HeifPrimary primary;
  primary.context.reset(heif_context_alloc());
  heif_error error = heif_context_read_from_file(primary.context.get(), path.c_str(), nullptr);
  if (error.code != heif_error_Ok) return Error{std::string("not a readable HEIF/AVIF image: ") + error.message};
  heif_image_handle* handle = nullptr;
  error = heif_context_get_primary_image_handle(primary.context.get(), &handle);
  if (error.code != heif_error_Ok) return Error{std::string("has no primary image: ") + error.message};
  primary.handle.reset(handle);
  return primary;
}

Expected<ImageInfo> probe_heif(const std::string& path, ImageInfo info) {
  char brand[5] = {};
  std::ifstream in(path, std::ios::binary);
  in.seekg(8);
  in.read(brand, 4);
  const std::string major(brand);
  if (major == "avif" || major == "avis") {
    info.format = ImageFormat::k_avif;
  } else if (major == "heic" || major == "heix" || major == "heim" || major == "heis" || major == "hevc" ||
             major == "hevx" || major == "mif1" || major == "msf1") {
    info.format = ImageFormat::k_heif;
  } else {
    return Error{"is an ISO media file of brand '" + major + "', not a HEIC/HEIF or AVIF image"};
  }
  if (!boxes_fit(path, info.file_bytes)) return Error{std::string("truncated ") + to_string(info.format) +
                                                      " (a box runs past the end of the file)"};
  auto primary = open_heif(path);
  if (!primary) return primary.error();
  // Sizes after the container's transformations; the pixels come out so.
  info.stored_width = heif_image_handle_get_width(primary.value().handle.get());
  info.stored_height = heif_image_handle_get_height(primary.value().handle.get());
  info.orientation = 1;
  // libheif delivers interleaved RGB(A) for 8-bit images and planes of
  // 16-bit samples for deeper ones (worker/image_decoder.cc). On the way
  // its decoded Y'CbCr planes and the intermediate images of its
  // conversion are alive at once. Peaks measured with libheif 1.15
  // (Debian 12) and the worker's allocator setting (M_MMAP_THRESHOLD 1 MiB),
  // getrusage over the decode of noisy HEICs at 2000x1500 and 4032x3024
  // (fitted to both sizes): 6.0 bytes a pixel for 8-bit RGB, 8.0 with
  // alpha; 10.3 for 10-bit RGB planes and about 10.4 with alpha (from
  // 2000x1500 alone; libheif's interleaved 16-bit form, which the worker
  // took before, peaked at 18.3 and 24.4); an 8-bit AVIF 8.2 (2.2 more
  // than a HEIC, added to one with alpha too). A 10-bit AVIF was not
  // measured (libaom would not write one here) and counts as a HEIC.
  heif_image_handle* handle = primary.value().handle.get();
  const bool deep = heif_image_handle_get_luma_bits_per_pixel(handle) > 8;
  const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
  info.decoded_bytes_per_pixel = (deep ? 2.0 : 1.0) * (alpha ? 4 : 3);
  if (deep)
    info.decode_peak_bytes_per_pixel = alpha ? 11.0 : 10.5;
  else
    info.decode_peak_bytes_per_pixel = (alpha ? 8.0 : 6.0) + (info.format == ImageFormat::k_avif ? 2.2 : 0.0);
  // An Exif item starts with the offset of its TIFF header (ISO/IEC 23008-12).
  heif_item_id exif_id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &exif_id, 1) == 1) {
    const size_t size = heif_image_handle_get_metadata_size(handle, exif_id);
    std::vector<uint8_t> exif(size);
    if (size > 4 && size <= (16u << 20) &&
        heif_image_handle_get_metadata(handle, exif_id, exif.data()).code == heif_error_Ok) {
      const size_t skip = 4 + ((size_t{exif[0]} << 24) | (size_t{exif[1]} << 16) |
                               (size_t{exif[2]} << 8) | exif[3]);
      if (skip < size) info.date_taken = exif_date_taken(exif.data() + skip, size - skip);
    }
  }
  return info;
}

}  // namespace chunkreel
