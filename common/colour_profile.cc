// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/colour_profile.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include "common/heif_file.h"

namespace chunkreel {
namespace {

// Metadata is read with a ceiling: nothing here needs more.
constexpr size_t k_max_profile_bytes = 16 << 20;

uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const uint8_t* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le32(const uint8_t* p) { return le16(p) | (le16(p + 2) << 16); }

class File {
 public:
  explicit File(const std::string& path) : m_in(path, std::ios::binary) {
    m_in.seekg(0, std::ios::end);
    m_size = static_cast<int64_t>(m_in.tellg());
    m_in.seekg(0);
  }
  int64_t size() const { return m_size; }
  bool read_at(int64_t at, size_t n, std::vector<uint8_t>* out) {
    if (at < 0 || at + static_cast<int64_t>(n) > m_size) return false;
    out->resize(n);
    m_in.clear();
    m_in.seekg(at);
    m_in.read(reinterpret_cast<char*>(out->data()), static_cast<std::streamsize>(n));
    return static_cast<size_t>(m_in.gcount()) == n;
  }

 private:
  std::ifstream m_in;
  int64_t m_size = 0;
};

// JPEG: the APP2 ICC_PROFILE segments before the first scan, joined in
// their sequence order.
Expected<EmbeddedColour> jpeg_colour(File& f) {
  EmbeddedColour colour;
  std::map<int, std::vector<uint8_t>> parts;
  int64_t at = 2;
  std::vector<uint8_t> b;
  while (f.read_at(at, 4, &b)) {
    if (b[0] != 0xFF) break;
    const int marker = b[1];
    if (marker == 0xDA || marker == 0xD9) break;  // the scan: no metadata after it
    const uint32_t length = be16(b.data() + 2);
    if (marker == 0xE2 && length > 16) {
      std::vector<uint8_t> segment;
      if (!f.read_at(at + 4, length - 2, &segment)) return Error{"its ICC profile segment is cut short"};
      if (std::memcmp(segment.data(), "ICC_PROFILE\0", 12) == 0)
        parts[segment[12]].assign(segment.begin() + 14, segment.end());
    }
    at += 2 + length;
  }
  if (parts.empty()) return colour;
  colour.kind = EmbeddedColour::Kind::k_icc;
  for (const auto& [sequence, bytes] : parts) colour.icc.insert(colour.icc.end(), bytes.begin(), bytes.end());
  return colour;
}

// PNG: iCCP (deflated), else cHRM and gAMA; an sRGB chunk wins over both.
Expected<EmbeddedColour> png_colour(File& f) {
  EmbeddedColour colour;
  bool srgb_chunk = false, chrm = false, gama = false;
  std::vector<uint8_t> icc;
  int64_t at = 8;
  std::vector<uint8_t> head, data;
  while (f.read_at(at, 8, &head)) {
    const uint32_t length = be32(head.data());
    const std::string type(reinterpret_cast<const char*>(head.data() + 4), 4);
    if (type == "IDAT" || type == "IEND") break;
    if (length > k_max_profile_bytes) return Error{"a " + type + " chunk is too large"};
    if (type == "iCCP" || type == "cHRM" || type == "gAMA" || type == "sRGB") {
      if (!f.read_at(at + 8, length, &data)) return Error{"its " + type + " chunk is cut short"};
      if (type == "sRGB") srgb_chunk = true;
      if (type == "gAMA" && length == 4 && be32(data.data()) > 0) {
        gama = true;
        colour.gamma = 100000.0 / be32(data.data());  // stored: the encoding exponent
      }
      if (type == "cHRM" && length == 32) {
        chrm = true;
        double* xy[] = {&colour.white[0], &colour.white[1], &colour.red[0],  &colour.red[1],
                        &colour.green[0], &colour.green[1], &colour.blue[0], &colour.blue[1]};
        for (int i = 0; i < 8; ++i) *xy[i] = be32(data.data() + 4 * i) / 100000.0;
      }
      if (type == "iCCP") {
        const auto name_end = std::find(data.begin(), data.end(), uint8_t{0});
        if (name_end == data.end() || name_end + 2 > data.end()) return Error{"its iCCP chunk is malformed"};
        const uint8_t* packed = &*(name_end + 2);
        const uLong packed_size = static_cast<uLong>(data.end() - (name_end + 2));
        for (uLongf capacity = 1 << 16; capacity <= k_max_profile_bytes; capacity *= 4) {
          icc.resize(capacity);
          uLongf size = capacity;
          const int rc = uncompress(icc.data(), &size, packed, packed_size);
          if (rc == Z_OK) {
            icc.resize(size);
            break;
          }
          if (rc != Z_BUF_ERROR) return Error{"its iCCP profile does not inflate"};
          icc.clear();
        }
      }
    }
    at += 12 + int64_t{length};
  }
  if (srgb_chunk) return colour;
  if (!icc.empty()) {
    colour.kind = EmbeddedColour::Kind::k_icc;
    colour.icc = std::move(icc);
  } else if (chrm || gama) {
    colour.kind = EmbeddedColour::Kind::k_primaries;
    colour.transfer = gama ? EmbeddedColour::Transfer::k_gamma : EmbeddedColour::Transfer::k_srgb;
  }
  return colour;
}

// WebP: the ICCP chunk of an extended (VP8X) file.
Expected<EmbeddedColour> webp_colour(File& f) {
  EmbeddedColour colour;
  int64_t at = 12;
  std::vector<uint8_t> head;
  while (f.read_at(at, 8, &head)) {
    const uint32_t length = le32(head.data() + 4);
    if (std::memcmp(head.data(), "ICCP", 4) == 0) {
      if (length > k_max_profile_bytes || !f.read_at(at + 8, length, &colour.icc))
        return Error{"its ICCP chunk is cut short"};
      colour.kind = EmbeddedColour::Kind::k_icc;
      return colour;
    }
    at += 8 + int64_t{length} + (length & 1);
  }
  return colour;
}

// TIFF: tag 34675 of the first IFD.
Expected<EmbeddedColour> tiff_colour(File& f) {
  EmbeddedColour colour;
  std::vector<uint8_t> header, entries;
  if (!f.read_at(0, 8, &header)) return colour;
  const bool little = header[0] == 'I';
  auto u16 = [&](const uint8_t* p) { return little ? le16(p) : be16(p); };
  auto u32 = [&](const uint8_t* p) { return little ? le32(p) : be32(p); };
  std::vector<uint8_t> count;
  const int64_t ifd = u32(header.data() + 4);
  if (!f.read_at(ifd, 2, &count) || !f.read_at(ifd + 2, size_t{u16(count.data())} * 12, &entries)) return colour;
  for (size_t i = 0; i + 12 <= entries.size(); i += 12) {
    if (u16(entries.data() + i) != 34675) continue;
    const uint32_t n = u32(entries.data() + i + 4);
    if (n > k_max_profile_bytes || !f.read_at(u32(entries.data() + i + 8), n, &colour.icc))
      return Error{"its ICC profile tag points past the end of the file"};
    colour.kind = EmbeddedColour::Kind::k_icc;
  }
  return colour;
}

// HEIF/AVIF: the primary image's colr box.
Expected<EmbeddedColour> heif_colour(const std::string& path) {
  EmbeddedColour colour;
  auto primary = open_heif(path);
  if (!primary) return primary.error();
  heif_image_handle* handle = primary.value().handle.get();
  switch (heif_image_handle_get_color_profile_type(handle)) {
    case heif_color_profile_type_prof:
    case heif_color_profile_type_rICC: {
      colour.icc.resize(heif_image_handle_get_raw_color_profile_size(handle));
      const heif_error e = heif_image_handle_get_raw_color_profile(handle, colour.icc.data());
      if (e.code != heif_error_Ok) return Error{std::string("its ICC profile cannot be read: ") + e.message};
      colour.kind = EmbeddedColour::Kind::k_icc;
      return colour;
    }
    case heif_color_profile_type_nclx: {
      heif_color_profile_nclx* nclx = nullptr;
      const heif_error got = heif_image_handle_get_nclx_color_profile(handle, &nclx);
      // Owned from here, even when libheif reports an error beside it.
      const std::unique_ptr<heif_color_profile_nclx, void (*)(heif_color_profile_nclx*)> owner(
          nclx, heif_nclx_color_profile_free);
      if (got.code != heif_error_Ok || !nclx) return colour;
      const int primaries = nclx->color_primaries;
      const int transfer = nclx->transfer_characteristics;
      // Transfer: the sRGB curve for sRGB and the video curves photos are
      // tagged with (as browsers read them); plain gammas; PQ and HLG are
      // HDR and beyond an SDR slideshow.
      EmbeddedColour::Transfer curve = EmbeddedColour::Transfer::k_srgb;
      if (transfer == 4 || transfer == 5) {
        curve = EmbeddedColour::Transfer::k_gamma;
        colour.gamma = transfer == 4 ? 2.2 : 2.8;
      } else if (transfer == 8) {
        curve = EmbeddedColour::Transfer::k_gamma;
        colour.gamma = 1.0;
      } else if (transfer == 16 || transfer == 18) {
        colour.note = transfer == 16 ? "its PQ (HDR) transfer is shown as sRGB" : "its HLG (HDR) transfer is shown as sRGB";
      }
      const bool srgb_primaries = primaries == 1 || primaries == 2;  // BT.709, or unspecified
      if (srgb_primaries && curve == EmbeddedColour::Transfer::k_srgb) return colour;
      colour.kind = EmbeddedColour::Kind::k_primaries;
      colour.transfer = curve;
      colour.white[0] = nclx->color_primary_white_x;
      colour.white[1] = nclx->color_primary_white_y;
      colour.red[0] = nclx->color_primary_red_x;
      colour.red[1] = nclx->color_primary_red_y;
      colour.green[0] = nclx->color_primary_green_x;
      colour.green[1] = nclx->color_primary_green_y;
      colour.blue[0] = nclx->color_primary_blue_x;
      colour.blue[1] = nclx->color_primary_blue_y;
      return colour;
    }
    default:
      return colour;
  }
}

cmsToneCurve* transfer_curve(const EmbeddedColour& colour) {
  if (colour.transfer == EmbeddedColour::Transfer::k_gamma) return cmsBuildGamma(nullptr, colour.gamma);
  // The sRGB curve: IEC 61966-2-1 as LittleCMS's parametric type 4.
  const cmsFloat64Number srgb[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  return cmsBuildParametricToneCurve(nullptr, 4, srgb);
}

}  // namespace

Expected<EmbeddedColour> read_embedded_colour(const std::string& path, ImageFormat format) {
  if (format == ImageFormat::k_heif || format == ImageFormat::k_avif) return heif_colour(path);
  File file(path);
  switch (format) {
    case ImageFormat::k_jpeg: return jpeg_colour(file);
    case ImageFormat::k_png: return png_colour(file);
    case ImageFormat::k_webp: return webp_colour(file);
    case ImageFormat::k_tiff: return tiff_colour(file);
    default: return EmbeddedColour{};
  }
}

Expected<LcmsProfilePtr> make_profile(const EmbeddedColour& colour) {
  if (colour.kind == EmbeddedColour::Kind::k_srgb) return LcmsProfilePtr();
  if (colour.kind == EmbeddedColour::Kind::k_icc) {
    LcmsProfilePtr profile(cmsOpenProfileFromMem(colour.icc.data(), static_cast<cmsUInt32Number>(colour.icc.size())));
    if (!profile) return Error{"its embedded ICC profile cannot be read"};
    // The header's colour space, read from its bytes (16-19, big-endian): a
    // file may hold any 32-bit value there, which cmsColorSpaceSignature, an
    // enum, cannot carry without undefined behaviour.
    const uint8_t* h = colour.icc.data() + 16;
    const uint32_t space = uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | h[3];
    if (space != static_cast<uint32_t>(cmsSigRgbData) && space != static_cast<uint32_t>(cmsSigGrayData))
      return Error{"its embedded ICC profile is not for RGB or grey pixels"};
    return profile;
  }
  const cmsCIExyY white{colour.white[0], colour.white[1], 1.0};
  const cmsCIExyYTRIPLE primaries{{colour.red[0], colour.red[1], 1.0},
                                  {colour.green[0], colour.green[1], 1.0},
                                  {colour.blue[0], colour.blue[1], 1.0}};
  cmsToneCurve* curve = transfer_curve(colour);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  LcmsProfilePtr profile(cmsCreateRGBProfile(&white, &primaries, curves));
  cmsFreeToneCurve(curve);
  if (!profile) return Error{"its colour description (primaries and transfer) is not valid"};
  return profile;
}

bool is_srgb_equivalent(cmsHPROFILE profile) {
  if (cmsGetColorSpace(profile) != cmsSigRgbData) return false;
  const LcmsProfilePtr srgb(cmsCreate_sRGBProfile());
  cmsHTRANSFORM transform =
      cmsCreateTransform(profile, TYPE_RGB_16, srgb.get(), TYPE_RGB_16, INTENT_RELATIVE_COLORIMETRIC, 0);
  if (!transform) return false;
  // A 9x9x9 grid over the cube; 32/65535 is an eighth of an 8-bit level.
  std::vector<uint16_t> in, out;
  for (int r = 0; r <= 8; ++r)
    for (int g = 0; g <= 8; ++g)
      for (int b = 0; b <= 8; ++b)
        for (int v : {r, g, b}) in.push_back(static_cast<uint16_t>(std::min(65535, v * 8192)));
  out.resize(in.size());
  cmsDoTransform(transform, in.data(), out.data(), static_cast<cmsUInt32Number>(in.size() / 3));
  cmsDeleteTransform(transform);
  for (size_t i = 0; i < in.size(); ++i)
    if (std::abs(int(in[i]) - int(out[i])) > 32) return false;
  return true;
}

}  // namespace chunkreel
