// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/image_probe.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/heif_file.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;

// Sequential reads from a file with bounds checks; a short read means the
// header is truncated.
class HeaderReader {
 public:
  explicit HeaderReader(const std::string& path) : m_in(path, std::ios::binary) {}
  bool is_open() const { return m_in.is_open(); }
  bool read(void* out, size_t n) {
    m_in.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
    return static_cast<size_t>(m_in.gcount()) == n;
  }
  bool skip(uint64_t n) {
    m_in.seekg(static_cast<std::streamoff>(n), std::ios::cur);
    return static_cast<bool>(m_in);
  }
  bool bytes(std::vector<uint8_t>* out, size_t n) {
    out->resize(n);
    return n == 0 || read(out->data(), n);
  }
  int64_t position() { return static_cast<int64_t>(m_in.tellg()); }
  bool seek(int64_t at) {
    m_in.clear();
    m_in.seekg(at);
    return static_cast<bool>(m_in);
  }
  /// The last `n` bytes of the file (fewer if it is shorter).
  std::vector<uint8_t> tail(int64_t file_size, int64_t n) {
    n = std::min(n, file_size);
    std::vector<uint8_t> bytes(static_cast<size_t>(n));
    m_in.clear();
    m_in.seekg(file_size - n);
    m_in.read(reinterpret_cast<char*>(bytes.data()), n);
    if (m_in.gcount() != n) bytes.clear();
    return bytes;
  }

 private:
  std::ifstream m_in;
};

uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const uint8_t* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le24(const uint8_t* p) { return le16(p) | (uint32_t(p[2]) << 16); }
uint32_t le32(const uint8_t* p) { return le16(p) | (le16(p + 2) << 16); }

// Segments larger than this are not metadata we need to hold in memory.
constexpr size_t k_max_metadata_bytes = 1 << 20;

Expected<ImageInfo> probe_jpeg(HeaderReader& r, ImageInfo info, int64_t* header_end) {
  for (;;) {
    uint8_t marker[2];
    if (!r.read(marker, 2)) return Error{"truncated JPEG header (no frame header found)"};
    if (marker[0] != 0xFF) return Error{"corrupt JPEG header (bad marker)"};
    uint8_t code = marker[1];
    while (code == 0xFF) {  // fill bytes
      if (!r.read(&code, 1)) return Error{"truncated JPEG header"};
    }
    if (code == 0xD8 || code == 0x01 || (code >= 0xD0 && code <= 0xD7)) continue;
    if (code == 0xD9 || code == 0xDA) return Error{"JPEG has no frame header before its data"};
    uint8_t length_bytes[2];
    if (!r.read(length_bytes, 2)) return Error{"truncated JPEG header"};
    uint32_t length = be16(length_bytes);
    if (length < 2) return Error{"corrupt JPEG segment length"};
    const bool is_sof = code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 &&
                        code != 0xCC;
    // SOF9 to SOF15 but DAC (0xCC): arithmetic coding, which FFmpeg's JPEG
    // decoder does not read; refused here rather than failing mid-render.
    if (is_sof && code >= 0xC9)
      return Error{"an arithmetic-coded JPEG, which chunkreel's decoder (FFmpeg's) cannot read; "
                   "jpegtran FILE > copy.jpg makes a Huffman-coded copy it can"};
    if (is_sof) {
      uint8_t sof[6];
      if (length < 8 || !r.read(sof, 6)) return Error{"truncated JPEG frame header"};
      info.stored_height = static_cast<int>(be16(sof + 1));
      info.stored_width = static_cast<int>(be16(sof + 3));
      // Each component's share of the pixels follows from its sampling
      // factors against the largest (4:2:0 gives 1 + 1/4 + 1/4).
      const int components = sof[5];
      std::vector<uint8_t> specs;
      if (components >= 1 && components <= 4 && length >= 8u + 3u * components &&
          r.bytes(&specs, 3 * static_cast<size_t>(components))) {
        int h_max = 1, v_max = 1;
        for (int c = 0; c < components; ++c) {
          h_max = std::max(h_max, specs[3 * c + 1] >> 4);
          v_max = std::max(v_max, specs[3 * c + 1] & 15);
        }
        double share = 0;
        for (int c = 0; c < components; ++c)
          share += double(specs[3 * c + 1] >> 4) * (specs[3 * c + 1] & 15) / (h_max * v_max);
        info.decoded_bytes_per_pixel = share * (sof[0] > 8 ? 2 : 1);
        const bool progressive = code == 0xC2 || code == 0xC6;
        if (progressive) info.coefficient_bytes_per_pixel = 2 * share;
      }
      *header_end = r.position();
      return info;
    }
    if (code == 0xE1 && length - 2 <= k_max_metadata_bytes) {
      std::vector<uint8_t> app;
      if (!r.bytes(&app, length - 2)) return Error{"truncated JPEG APP1 segment"};
      if (app.size() > 6 && std::memcmp(app.data(), "Exif\0\0", 6) == 0) {
        info.orientation = exif_orientation(app.data(), app.size());
        info.date_taken = exif_date_taken(app.data(), app.size());
      }
      continue;
    }
    if (!r.skip(length - 2)) return Error{"truncated JPEG header"};
  }
}

Expected<ImageInfo> probe_png(HeaderReader& r, ImageInfo info) {
  bool have_header = false;
  for (;;) {
    uint8_t head[8];
    if (!r.read(head, 8)) {
      if (have_header) return Error{"truncated PNG (no image data)"};
      return Error{"truncated PNG header"};
    }
    uint32_t length = be32(head);
    if (length > 0x7FFFFFFF) return Error{"corrupt PNG chunk length"};
    if (std::memcmp(head + 4, "IHDR", 4) == 0) {
      uint8_t ihdr[13];
      if (length != 13 || !r.read(ihdr, 13)) return Error{"corrupt PNG header chunk"};
      info.stored_width = static_cast<int>(be32(ihdr));
      info.stored_height = static_cast<int>(be32(ihdr + 4));
      // Colour type: 0 grey, 2 RGB, 3 palette (one byte a pixel), 4 grey
      // and alpha, 6 RGBA; 16-bit samples take two bytes.
      const int type = ihdr[9];
      const int channels = type == 2 ? 3 : type == 4 ? 2 : type == 6 ? 4 : 1;
      info.decoded_bytes_per_pixel = channels * (ihdr[8] == 16 ? 2 : 1);
      have_header = true;
      if (!r.skip(4)) return Error{"truncated PNG header"};
      continue;
    }
    if (!have_header) return Error{"PNG does not start with its header chunk"};
    if (std::memcmp(head + 4, "IDAT", 4) == 0) return info;
    if (std::memcmp(head + 4, "eXIf", 4) == 0 && length <= k_max_metadata_bytes) {
      std::vector<uint8_t> exif;
      if (!r.bytes(&exif, length) || !r.skip(4)) return Error{"truncated PNG eXIf chunk"};
      info.orientation = exif_orientation(exif.data(), exif.size());
      info.date_taken = exif_date_taken(exif.data(), exif.size());
      continue;
    }
    if (!r.skip(uint64_t(length) + 4)) return Error{"truncated PNG"};
  }
}

Expected<ImageInfo> probe_webp(HeaderReader& r, ImageInfo info) {
  bool have_size = false;
  for (;;) {
    uint8_t head[8];
    if (!r.read(head, 8)) {
      if (have_size) return info;
      return Error{"truncated WebP header"};
    }
    uint32_t length = le32(head + 4);
    uint32_t padded = length + (length & 1);
    if (std::memcmp(head, "VP8X", 4) == 0) {
      uint8_t x[10];
      if (length < 10 || !r.read(x, 10) || !r.skip(padded - 10))
        return Error{"truncated WebP extended header"};
      info.stored_width = static_cast<int>(le24(x + 4) + 1);
      info.stored_height = static_cast<int>(le24(x + 7) + 1);
      info.decoded_bytes_per_pixel = (x[0] & 0x10) ? 2.5 : 1.5;  // with alpha: a full plane more
      have_size = true;
      if (!(x[0] & 0x08)) return info;  // no EXIF chunk follows
      continue;
    }
    if (std::memcmp(head, "VP8 ", 4) == 0) {
      uint8_t f[10];
      if (length < 10 || !r.read(f, 10)) return Error{"truncated WebP frame header"};
      if (f[3] != 0x9D || f[4] != 0x01 || f[5] != 0x2A) return Error{"corrupt WebP frame header"};
      if (!have_size) {
        info.decoded_bytes_per_pixel = 1.5;  // lossy WebP decodes to 4:2:0
        info.stored_width = static_cast<int>(le16(f + 6) & 0x3FFF);
        info.stored_height = static_cast<int>(le16(f + 8) & 0x3FFF);
      }
      return info;
    }
    if (std::memcmp(head, "VP8L", 4) == 0) {
      uint8_t l[5];
      if (length < 5 || !r.read(l, 5)) return Error{"truncated WebP lossless header"};
      if (l[0] != 0x2F) return Error{"corrupt WebP lossless header"};
      if (!have_size) {
        uint32_t bits = le32(l + 1);
        info.decoded_bytes_per_pixel = 4;  // lossless WebP decodes to ARGB
        info.stored_width = static_cast<int>((bits & 0x3FFF) + 1);
        info.stored_height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
      }
      return info;
    }
    if (std::memcmp(head, "EXIF", 4) == 0 && length <= k_max_metadata_bytes) {
      std::vector<uint8_t> exif;
      if (!r.bytes(&exif, length) || !r.skip(padded - length)) return Error{"truncated WebP EXIF"};
      info.orientation = exif_orientation(exif.data(), exif.size());
      info.date_taken = exif_date_taken(exif.data(), exif.size());
      if (have_size) return info;
      continue;
    }
    if (!r.skip(padded)) return Error{"truncated WebP"};
  }
}

// A whole JPEG ends with an EOI marker (FF D9). Entropy-coded data never
// holds that pair (FF is stuffed), so finding it past the headers, within
// the last 64 KiB (cameras sometimes append trailers), means the image data
// is complete.
bool jpeg_is_complete(HeaderReader& r, int64_t file_size, int64_t header_end) {
  const int64_t window = std::min<int64_t>(65536, file_size - std::max<int64_t>(header_end, 0));
  if (window < 2) return false;
  std::vector<uint8_t> tail = r.tail(file_size, window);
  for (size_t i = tail.size(); i-- > 1;)
    if (tail[i - 1] == 0xFF && tail[i] == 0xD9) return true;
  return false;
}

// A whole PNG ends with its IEND chunk (allowing a little trailing junk).
bool png_is_complete(HeaderReader& r, int64_t file_size) {
  std::vector<uint8_t> tail = r.tail(file_size, 1024);
  for (size_t i = 0; i + 4 <= tail.size(); ++i)
    if (std::memcmp(tail.data() + i, "IEND", 4) == 0) return true;
  return false;
}

// TIFF: the first image's size and orientation from IFD 0, and whether the
// strips (or tiles) it points at lie inside the file.
Expected<ImageInfo> probe_tiff(HeaderReader& r, ImageInfo info) {
  uint8_t header[8];
  if (!r.seek(0) || !r.read(header, 8)) return Error{"truncated TIFF header"};
  const bool little = header[0] == 'I';
  auto u16 = [&](const uint8_t* p) { return little ? le16(p) : be16(p); };
  auto u32 = [&](const uint8_t* p) { return little ? le32(p) : be32(p); };
  const int64_t ifd = u32(header + 4);
  uint8_t count_bytes[2];
  if (ifd + 2 > info.file_bytes || !r.seek(ifd) || !r.read(count_bytes, 2)) return Error{"truncated TIFF (no IFD)"};
  const uint32_t count = u16(count_bytes);
  std::vector<uint8_t> entries;
  if (!r.bytes(&entries, size_t{count} * 12)) return Error{"truncated TIFF (its IFD is cut short)"};
  // The values of a tag: inline when they fit in 4 bytes, else at an offset.
  auto values = [&](const uint8_t* entry, std::vector<uint32_t>* out) -> bool {
    const uint32_t type = u16(entry + 2), n = u32(entry + 4);
    const uint32_t size = type == 3 ? 2 : type == 4 ? 4 : 0;
    if (size == 0 || n == 0 || n > (1u << 24)) return false;
    std::vector<uint8_t> raw;
    if (size * n <= 4) {
      raw.assign(entry + 8, entry + 12);
    } else {
      const int64_t at = u32(entry + 8);
      if (at + int64_t{size} * n > info.file_bytes || !r.seek(at) || !r.bytes(&raw, size_t{size} * n)) return false;
    }
    out->clear();
    for (uint32_t i = 0; i < n; ++i) out->push_back(size == 2 ? u16(raw.data() + 2 * i) : u32(raw.data() + 4 * i));
    return true;
  };
  std::vector<uint32_t> offsets, counts, v;
  int64_t exif_ifd = 0;
  int sample_bytes = 1, samples = 1;  // TIFF's defaults: one 1-bit sample
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* entry = entries.data() + 12 * i;
    const uint32_t tag = u16(entry);
    if ((tag == 258 || tag == 277) && values(entry, &v)) {
      if (tag == 258) sample_bytes = v[0] > 8 ? 2 : 1;
      if (tag == 277) samples = static_cast<int>(std::min<uint32_t>(v[0], 8));
    }
    if ((tag == 256 || tag == 257 || tag == 274) && values(entry, &v)) {
      if (tag == 256) info.stored_width = static_cast<int>(v[0]);
      if (tag == 257) info.stored_height = static_cast<int>(v[0]);
      if (tag == 274) info.orientation = v[0] >= 1 && v[0] <= 8 ? static_cast<int>(v[0]) : 1;
    }
    if (tag == 0x8769 && values(entry, &v)) exif_ifd = v[0];
    if (tag == 273 || tag == 324) values(entry, &offsets);
    if (tag == 279 || tag == 325) values(entry, &counts);
  }
  if (offsets.empty() || offsets.size() != counts.size()) return Error{"TIFF without readable image data"};
  if (exif_ifd > 0 && exif_ifd < info.file_bytes) {
    // The date lives in the Exif IFD: read the file's start up to that IFD
    // and its values (they sit close to it in every writer we know), and
    // let the EXIF parser walk it.
    constexpr int64_t k_window = 64 * 1024;
    const int64_t end = std::min(info.file_bytes, exif_ifd + k_window);
    std::vector<uint8_t> head;
    if (end <= 4 * k_window && r.seek(0) && r.bytes(&head, static_cast<size_t>(end)))
      info.date_taken = exif_date_taken(head.data(), head.size());
  }
  info.decoded_bytes_per_pixel = samples * sample_bytes;
  for (size_t i = 0; i < offsets.size(); ++i)
    if (int64_t{offsets[i]} + counts[i] > info.file_bytes)
      return Error{"truncated TIFF (its image data runs past the end of the file)"};
  return info;
}

}  // namespace

const char* to_string(ImageFormat format) {
  switch (format) {
    case ImageFormat::k_jpeg:
      return "JPEG";
    case ImageFormat::k_png:
      return "PNG";
    case ImageFormat::k_webp:
      return "WebP";
    case ImageFormat::k_heif:
      return "HEIF";
    case ImageFormat::k_avif:
      return "AVIF";
    case ImageFormat::k_tiff:
      return "TIFF";
  }
  return "?";
}

namespace {

// An EXIF TIFF structure in memory ("II*\0" or "MM\0*", with or without a
// leading "Exif\0\0"): its byte order, and the entries of its IFDs.
class ExifTiff {
 public:
  ExifTiff(const uint8_t* data, size_t size) : m_data(data), m_size(size) {
    if (m_size >= 6 && std::memcmp(m_data, "Exif\0\0", 6) == 0) {
      m_data += 6;
      m_size -= 6;
    }
    if (m_size < 8) return;
    m_little = m_data[0] == 'I' && m_data[1] == 'I';
    const bool big = m_data[0] == 'M' && m_data[1] == 'M';
    m_valid = (m_little || big) && u16(2) == 42;
  }
  bool valid() const { return m_valid; }
  uint32_t u16(size_t at) const { return m_little ? le16(m_data + at) : be16(m_data + at); }
  uint32_t u32(size_t at) const { return m_little ? le32(m_data + at) : be32(m_data + at); }
  size_t ifd0() const { return u32(4); }
  /// The offset of the entry for `tag` in the IFD at `ifd`, or 0 when it
  /// is absent or the IFD runs past the end.
  size_t find(size_t ifd, uint32_t tag) const {
    if (ifd + 2 > m_size) return 0;
    const size_t count = u16(ifd);
    for (size_t i = 0; i < count; ++i) {
      const size_t entry = ifd + 2 + 12 * i;
      if (entry + 12 > m_size) return 0;
      if (u16(entry) == tag) return entry;
    }
    return 0;
  }
  /// `n` bytes at `at`, or null when they are not all there.
  const char* bytes(size_t at, size_t n) const {
    return at + n <= m_size ? reinterpret_cast<const char*>(m_data + at) : nullptr;
  }

 private:
  const uint8_t* m_data;
  size_t m_size;
  bool m_little = false;
  bool m_valid = false;
};

}  // namespace

int exif_orientation(const uint8_t* data, size_t size) {
  const ExifTiff tiff(data, size);
  if (!tiff.valid()) return 1;
  const size_t entry = tiff.find(tiff.ifd0(), 0x0112);
  if (entry == 0 || tiff.u16(entry + 2) != 3) return 1;  // a SHORT
  const int value = static_cast<int>(tiff.u16(entry + 8));
  return value >= 1 && value <= 8 ? value : 1;
}

std::string exif_date_taken(const uint8_t* data, size_t size) {
  const ExifTiff tiff(data, size);
  if (!tiff.valid()) return {};
  const size_t pointer = tiff.find(tiff.ifd0(), 0x8769);  // Exif IFD, a LONG
  if (pointer == 0 || tiff.u16(pointer + 2) != 4) return {};
  const size_t original = tiff.find(tiff.u32(pointer + 8), 0x9003);  // DateTimeOriginal, ASCII
  if (original == 0 || tiff.u16(original + 2) != 2 || tiff.u32(original + 4) < 10) return {};
  const size_t at = tiff.u32(original + 4) <= 4 ? original + 8 : tiff.u32(original + 8);
  const char* text = tiff.bytes(at, 10);  // "YYYY:MM:DD"
  if (!text) return {};
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return {};
  if (text[4] != ':' || text[7] != ':') return {};
  const int year = std::atoi(std::string(text, 4).c_str());
  const int month = std::atoi(std::string(text + 5, 2).c_str());
  const int day = std::atoi(std::string(text + 8, 2).c_str());
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return {};
  return std::string(text, 4) + "-" + std::string(text + 5, 2) + "-" + std::string(text + 8, 2);
}

Expected<ImageInfo> probe_image(const std::string& path) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return Error{path + ": no such file"};
  if (fs::is_directory(status)) return Error{path + ": is a folder, not an image"};
  ImageInfo info;
  info.file_bytes = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) return Error{path + ": cannot be read"};
  if (info.file_bytes == 0) return Error{path + ": is empty"};
  HeaderReader reader(path);
  if (!reader.is_open()) return Error{path + ": cannot be read (permission denied?)"};

  uint8_t magic[12] = {};
  bool got = reader.read(magic, 12);
  Expected<ImageInfo> result = Error{"is not a JPEG, PNG, WebP, HEIC/HEIF, AVIF or TIFF image"};
  if (magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
    info.format = ImageFormat::k_jpeg;
    HeaderReader jpeg(path);
    uint8_t soi[2];
    jpeg.read(soi, 2);
    int64_t header_end = 0;
    result = probe_jpeg(jpeg, info, &header_end);
    if (result && !jpeg_is_complete(jpeg, info.file_bytes, header_end))
      result = Error{"truncated JPEG (its end-of-image marker is missing)"};
  } else if (got && std::memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0) {
    info.format = ImageFormat::k_png;
    HeaderReader png(path);
    uint8_t signature[8];
    png.read(signature, 8);
    result = probe_png(png, info);
    if (result && !png_is_complete(png, info.file_bytes))
      result = Error{"truncated PNG (its IEND chunk is missing)"};
  } else if (got && std::memcmp(magic, "RIFF", 4) == 0 && std::memcmp(magic + 8, "WEBP", 4) == 0) {
    info.format = ImageFormat::k_webp;
    result = probe_webp(reader, info);
    if (result && 8 + int64_t{le32(magic + 4)} > info.file_bytes)
      result = Error{"truncated WebP (shorter than its RIFF header says)"};
  } else if (got && (std::memcmp(magic, "II*\0", 4) == 0 || std::memcmp(magic, "MM\0*", 4) == 0)) {
    info.format = ImageFormat::k_tiff;
    result = probe_tiff(reader, info);
  } else if (got && std::memcmp(magic + 4, "ftyp", 4) == 0) {
    result = probe_heif(path, info);
  }
  if (!result) return Error{path + ": " + result.error().message};
  if (result.value().stored_width <= 0 || result.value().stored_height <= 0)
    return Error{path + ": has no pixels (width or height is 0)"};
  return result;
}

}  // namespace chunkreel
