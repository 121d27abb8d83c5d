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

// An ISO box's header: its type, the bytes of the header and of the whole
// box (a size of 0, "to the end of its container", resolved to `room`).
struct BoxHeader {
  char kind[4] = {};
  uint64_t header_bytes = 0;
  uint64_t size = 0;
};

// Reads the header at `p`, of which `available` bytes can be read, inside a
// container that has `room` bytes left; false when the header is cut short
// or the box would not fit.
bool parse_box_header(const uint8_t* p, size_t available, uint64_t room, BoxHeader* box) {
  if (available < 8) return false;
  std::memcpy(box->kind, p + 4, 4);
  box->header_bytes = 8;
  box->size = be(p, 4);
  if (box->size == 1) {
    if (available < 16) return false;
    box->size = be(p + 8, 8);
    box->header_bytes = 16;
  } else if (box->size == 0) {
    box->size = room;
  }
  return box->size >= box->header_bytes && box->size <= room;
}

// The header of the top-level box at `at` of the file `in` of `file_bytes`.
bool read_box_header(std::ifstream& in, int64_t at, int64_t file_bytes, BoxHeader* box) {
  uint8_t header[16];
  in.clear();
  in.seekg(at);
  in.read(reinterpret_cast<char*>(header), 16);
  return parse_box_header(header, static_cast<size_t>(in.gcount()), static_cast<uint64_t>(file_bytes - at), box);
}

// Walks the top-level boxes: each must end inside the file, or the file
// was cut short (usually in its last box, the media data).
bool boxes_fit(const std::string& path, int64_t file_bytes) {
  std::ifstream in(path, std::ios::binary);
  BoxHeader box;
  for (int64_t at = 0; at < file_bytes; at += static_cast<int64_t>(box.size))
    if (!read_box_header(in, at, file_bytes, &box)) return false;
  return true;
}

// The payload of the first box of `kind` among the boxes in [begin, end)
// of `data`, or false.
bool find_box(const std::vector<uint8_t>& data, size_t begin, size_t end, const char* kind, size_t* payload,
              size_t* payload_end) {
  BoxHeader box;
  for (size_t at = begin; at < end; at += static_cast<size_t>(box.size)) {
    if (!parse_box_header(&data[at], end - at, end - at, &box)) return false;
    if (std::memcmp(box.kind, kind, 4) == 0) {
      *payload = at + static_cast<size_t>(box.header_bytes);
      *payload_end = at + static_cast<size_t>(box.size);
      return true;
    }
  }
  return false;
}

// The item type of the primary item ("hvc1", "av01", "grid"...), read from
// the meta box's pitm and iinf (ISO/IEC 23008-12); empty when the boxes do
// not say. Every read is checked against the box it lies in.
std::string primary_item_type(const std::string& path, int64_t file_bytes) {
  std::ifstream in(path, std::ios::binary);
  BoxHeader box;
  for (int64_t at = 0; at < file_bytes; at += static_cast<int64_t>(box.size)) {
    if (!read_box_header(in, at, file_bytes, &box)) return {};
    if (std::memcmp(box.kind, "meta", 4) != 0) continue;
    // The meta box holds descriptions, not media: a few kilobytes.
    if (box.size > (16u << 20)) return {};
    std::vector<uint8_t> meta(static_cast<size_t>(box.size - box.header_bytes));
    in.clear();
    in.seekg(at + static_cast<int64_t>(box.header_bytes));
    in.read(reinterpret_cast<char*>(meta.data()), static_cast<std::streamsize>(meta.size()));
    if (in.gcount() != static_cast<std::streamsize>(meta.size()) || meta.size() < 4) return {};
    size_t pitm = 0, pitm_end = 0, iinf = 0, iinf_end = 0;
    if (!find_box(meta, 4, meta.size(), "pitm", &pitm, &pitm_end) ||
        !find_box(meta, 4, meta.size(), "iinf", &iinf, &iinf_end))
      return {};
    // pitm: version, flags, then the id in 16 bits (version 0) or 32.
    const int id_bytes = pitm < pitm_end && meta[pitm] == 0 ? 2 : 4;
    if (pitm + 4 + id_bytes > pitm_end) return {};
    const uint64_t primary = be(&meta[pitm + 4], id_bytes);
    // iinf: version, flags, an entry count of 16 bits (version 0) or 32, then infe boxes.
    if (iinf + 4 > iinf_end) return {};
    size_t entry = iinf + 4 + (meta[iinf] == 0 ? 2 : 4);
    while (entry < iinf_end) {
      size_t infe = 0, infe_end = 0;
      if (!find_box(meta, entry, iinf_end, "infe", &infe, &infe_end)) return {};
      // infe version 2 or 3: the item id (16 or 32 bits), its protection index, its type.
      const int version = infe < infe_end ? meta[infe] : 0;
      const int item_bytes = version == 2 ? 2 : 4;
      if (version >= 2 && infe + 4 + item_bytes + 2 + 4 <= infe_end && be(&meta[infe + 4], item_bytes) == primary)
        return std::string(reinterpret_cast<const char*>(&meta[infe + 4 + item_bytes + 2]), 4);
      entry = infe_end;
    }
    return {};
  }
  return {};
}

}  // namespace

Expected<HeifPrimary> open_heif(const std::string& path) {
  HeifPrimary primary;
  primary.context.reset(heif_context_alloc());
  // A grid's tiles are decoded on the calling thread, one after another.
  // libheif's default (4 threads of its own) would hide the decode's CPU
  // from the worker's decode clock, which reads its loading thread, and
  // a worker already runs its decode beside the encoder's threads.
  heif_context_set_max_decoding_threads(primary.context.get(), 0);
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
  // libheif delivers RGB(A) as planes, of 8-bit samples or of 16-bit words
  // for deeper images (common/image_decoder.cc). On the way its decoded
  // Y'CbCr planes and the intermediate images of its conversion are alive
  // at once. Peaks measured with libheif 1.15 (Debian 12), the decoders of
  // common/heif_ffmpeg_decoders and the worker's allocator setting
  // (M_MMAP_THRESHOLD 1 MiB): the worker's peak over a one-photo show of
  // 128x72 (--report), noisy photos at 2000x1500 and 4032x3024, fitted to
  // both sizes as bytes a pixel plus a part that does not grow with the
  // size. 8-bit HEIC 7.3 bytes a pixel plus 1.6 MiB, 9.3 with alpha; 8-bit
  // AVIF 4.65 plus 1.3 MiB, 6.65 with alpha (dav1d holds less than FFmpeg's
  // HEVC decoder); 10-bit HEIC 10.3, about 10.4 with alpha (from 2000x1500
  // alone; libheif's interleaved 16-bit form peaked at 18.3 and 24.4). A
  // 10-bit AVIF was not measured (libaom would not write one here) and
  // counts as a HEIC.
  heif_image_handle* handle = primary.value().handle.get();
  const bool deep = heif_image_handle_get_luma_bits_per_pixel(handle) > 8;
  const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
  const bool avif = info.format == ImageFormat::k_avif;
  info.decoded_bytes_per_pixel = (deep ? 2.0 : 1.0) * (alpha ? 4 : 3);
  if (primary_item_type(path, info.file_bytes) == "grid" && !avif && !alpha) {
    // A grid, as phones store photos: libheif decodes its tiles (512x512 on
    // an iPhone) one by one, on the calling thread (open_heif), into the
    // whole picture's RGB planes, so no decoder holds a picture of the full
    // size. Worker peaks over noisy grids made by scripts/make-heic-grid at
    // 1008x756, 3000x2000 and 4032x3024: at 10 bits 5.85 bytes a pixel
    // plus 4.9 MiB (least squares over the three); at 8 bits the planes it
    // delivers (3 bytes a pixel) plus 4.5 MiB, within 3% of all three.
    info.decode_peak_bytes_per_pixel = deep ? 5.85 : 3.0;
    info.decode_fixed_bytes = (deep ? 4.9 : 4.5) * 1024 * 1024;
  } else if (deep) {
    info.decode_peak_bytes_per_pixel = alpha ? 11.0 : 10.5;
  } else {
    info.decode_peak_bytes_per_pixel = (avif ? 4.65 : 7.3) + (alpha ? 2.0 : 0.0);
    info.decode_fixed_bytes = (avif ? 1.3 : 1.6) * 1024 * 1024;
  }
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
