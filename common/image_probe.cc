#include "common/image_probe.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

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
    if (is_sof) {
      uint8_t sof[6];
      if (length < 8 || !r.read(sof, 6)) return Error{"truncated JPEG frame header"};
      info.stored_height = static_cast<int>(be16(sof + 1));
      info.stored_width = static_cast<int>(be16(sof + 3));
      *header_end = r.position();
      return info;
    }
    if (code == 0xE1 && length - 2 <= k_max_metadata_bytes) {
      std::vector<uint8_t> app;
      if (!r.bytes(&app, length - 2)) return Error{"truncated JPEG APP1 segment"};
      if (app.size() > 6 && std::memcmp(app.data(), "Exif\0\0", 6) == 0)
        info.orientation = exif_orientation(app.data(), app.size());
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
      have_size = true;
      if (!(x[0] & 0x08)) return info;  // no EXIF chunk follows
      continue;
    }
    if (std::memcmp(head, "VP8 ", 4) == 0) {
      uint8_t f[10];
      if (length < 10 || !r.read(f, 10)) return Error{"truncated WebP frame header"};
      if (f[3] != 0x9D || f[4] != 0x01 || f[5] != 0x2A) return Error{"corrupt WebP frame header"};
      if (!have_size) {
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
        info.stored_width = static_cast<int>((bits & 0x3FFF) + 1);
        info.stored_height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
      }
      return info;
    }
    if (std::memcmp(head, "EXIF", 4) == 0 && length <= k_max_metadata_bytes) {
      std::vector<uint8_t> exif;
      if (!r.bytes(&exif, length) || !r.skip(padded - length)) return Error{"truncated WebP EXIF"};
      info.orientation = exif_orientation(exif.data(), exif.size());
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

}  // namespace

const char* to_string(ImageFormat format) {
  switch (format) {
    case ImageFormat::k_jpeg:
      return "JPEG";
    case ImageFormat::k_png:
      return "PNG";
    case ImageFormat::k_webp:
      return "WebP";
  }
  return "?";
}

int exif_orientation(const uint8_t* data, size_t size) {
  if (size >= 6 && std::memcmp(data, "Exif\0\0", 6) == 0) {
    data += 6;
    size -= 6;
  }
  if (size < 8) return 1;
  bool little = data[0] == 'I' && data[1] == 'I';
  bool big = data[0] == 'M' && data[1] == 'M';
  if (!little && !big) return 1;
  auto u16 = [&](size_t at) { return little ? le16(data + at) : be16(data + at); };
  auto u32 = [&](size_t at) { return little ? le32(data + at) : be32(data + at); };
  if (u16(2) != 42) return 1;
  size_t ifd = u32(4);
  if (ifd + 2 > size) return 1;
  size_t count = u16(ifd);
  for (size_t i = 0; i < count; ++i) {
    size_t entry = ifd + 2 + 12 * i;
    if (entry + 12 > size) return 1;
    if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {
      int value = static_cast<int>(u16(entry + 8));
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
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
  Expected<ImageInfo> result = Error{"is not a JPEG, PNG or WebP image"};
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
  }
  if (!result) return Error{path + ": " + result.error().message};
  if (result.value().stored_width <= 0 || result.value().stored_height <= 0)
    return Error{path + ": has no pixels (width or height is 0)"};
  return result;
}

}  // namespace chunkreel
