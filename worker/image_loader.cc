// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/image_loader.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>

#include "common/av_ptr.h"
#include "common/image_probe.h"
#include "worker/colour_transform.h"
#include "common/image_decoder.h"
#include "worker/paged_buffer.h"
#include "worker/ring_mapping.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

namespace chunkreel {
namespace {

bool is_full_range_yuv(const AVFrame& frame) {
  switch (frame.format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P:
      return true;
    default:
      return frame.color_range == AVCOL_RANGE_JPEG;
  }
}

// Where stored pixel (sx, sy) lands in the displayed picture, per EXIF.
inline void orient(int orientation, int sx, int sy, int sw, int sh, int* dx, int* dy) {
  switch (orientation) {
    default:
    case 1: *dx = sx;          *dy = sy;          break;
    case 2: *dx = sw - 1 - sx; *dy = sy;          break;
    case 3: *dx = sw - 1 - sx; *dy = sh - 1 - sy; break;
    case 4: *dx = sx;          *dy = sh - 1 - sy; break;
    case 5: *dx = sy;          *dy = sx;          break;
    case 6: *dx = sh - 1 - sy; *dy = sx;          break;
    case 7: *dx = sh - 1 - sy; *dy = sw - 1 - sx; break;
    case 8: *dx = sy;          *dy = sw - 1 - sx; break;
  }
}

// JPEG and WebP carry BT.601 YCbCr (JPEG's full range); RGB needs nothing.
// `keep_ycbcr`: the output is Y'CbCr too, in the source's own matrix and
// range, so swscale only scales.
void set_source_colorspace(SwsContext* sws, const AVFrame& frame, const AVPixFmtDescriptor* desc,
                           bool keep_ycbcr) {
  if ((desc->flags & AV_PIX_FMT_FLAG_RGB) || desc->nb_components < 3) return;
  const int* coefficients = sws_getCoefficients(SWS_CS_ITU601);
  const int full = is_full_range_yuv(frame) ? 1 : 0;
  sws_setColorspaceDetails(sws, coefficients, full, coefficients, keep_ycbcr ? full : 1, 0, 1 << 16, 1 << 16);
}

constexpr int k_flags = SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;

// What the reduction hands on: 16-bit RGBA, or, for a Y'CbCr photo that
// needs no colour conversion, 16-bit Y'CbCr 4:4:4 in the photo's own matrix
// and range. Reducing Y'CbCr planes costs swscale about a quarter of what
// reducing into RGBA does (measured on a 4000x3000 JPEG), and Y'CbCr is a
// linear function of R'G'B', so a reduction is no more right in one than
// in the other.
enum class BandFormat { k_rgba, k_ycbcr };

// Finished rows of the reduced photo, as stored: rows [first, first +
// count), each `width` pixels, in planes[0] (RGBA, interleaved) or
// planes[0..2] (Y', Cb, Cr), `stride` samples a row; valid during the call.
struct Band {
  int first = 0;
  int count = 0;
  uint16_t* planes[3] = {};
  size_t stride = 0;
};
using BandFn = std::function<void(const Band&)>;

// The photo reduced to w x h (as stored) with Lanczos, converted to sRGB
// when it carries a profile, handed on in bands.
//
// The source goes to swscale in slices of a few rows (its slice mode gives
// the same pixels as one call), so each band of output rows is finished
// early; it is colour-converted and handed on, and its pages are given back.
// The full-size intermediate is therefore never resident, only a band.
// Converting the reduced pixels, not the full-size ones, costs a fraction:
// both spaces are gamma-encoded RGB, so a reduction is no more right in one
// than in the other.
Expected<void> reduce_in_bands(const AVFrame& frame, const AVPixFmtDescriptor* desc, int w, int h,
                               BandFormat format, ColourTransform* transform, const std::string& path,
                               const BandFn& on_band) {
  const bool ycbcr = format == BandFormat::k_ycbcr;
  const int planes = ycbcr ? 3 : 1;
  const size_t stride = static_cast<size_t>(w) * (ycbcr ? 2 : 8);  // bytes a row of a plane
  const size_t plane_bytes = stride * static_cast<size_t>(h);
  // Slices start on rows that every plane's subsampling divides.
  constexpr int k_band = 32;
  // A reduction hands on at most about k_band rows a call (a slice's share
  // of the output, and at the end the rows its filter was waiting for), so
  // a ring of four bands' rows is never overwritten before it is handed on;
  // an enlargement, which can make many rows of a slice, uses memory whose
  // pages are given back as bands are done.
  constexpr int k_ring_rows = 4 * k_band;
  std::optional<RingMapping> ring;
  std::optional<PagedBuffer> buffer;
  // swscale, fed slices, crashes inside sws_scale on a strong reduction
  // (FFmpeg 5.1: a 4032x3024 photo to a 128x72 show, about 30 to 1): such a
  // reduction takes the frame in one call, into a buffer whose size is
  // small by then (at most 1/256 of the frame's pixels).
  constexpr int k_most_sliced_reduction = 16;
  const bool one_call = static_cast<int64_t>(h) * k_most_sliced_reduction < frame.height;
  if (h <= frame.height && h > k_ring_rows && !one_call) ring.emplace(plane_bytes, planes, k_ring_rows * stride);
  if (!ring || !ring->data()) {
    ring.reset();
    buffer.emplace(plane_bytes * planes);
    if (!buffer->data()) return Error{path + ": not enough memory to convert it"};
  }
  uint8_t* dst_planes[4] = {};
  int dst_strides[4] = {};
  for (int p = 0; p < planes; ++p) {
    dst_planes[p] = ring ? ring->region(p) : buffer->data() + plane_bytes * p;
    dst_strides[p] = static_cast<int>(stride);
  }
  SwsPtr sws(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), w, h,
                            ycbcr ? AV_PIX_FMT_YUV444P16 : AV_PIX_FMT_RGBA64, SWS_LANCZOS | k_flags, nullptr,
                            nullptr, nullptr));
  if (!sws) return Error{path + ": cannot convert its pixel format"};
  set_source_colorspace(sws.get(), frame, desc, ycbcr);

  const bool palette = (desc->flags & AV_PIX_FMT_FLAG_PAL) != 0;
  int done = 0;  // output rows finished
  const int band_rows = one_call ? frame.height : k_band;
  for (int y = 0; y < frame.height; y += band_rows) {
    const int rows = std::min(band_rows, frame.height - y);
    const uint8_t* slice[4] = {};
    for (int p = 0; p < 4 && frame.data[p]; ++p) {
      const bool chroma = p == 1 || p == 2;
      const int first = palette && p == 1 ? 0 : chroma ? y >> desc->log2_chroma_h : y;
      slice[p] = frame.data[p] + static_cast<ptrdiff_t>(first) * frame.linesize[p];
    }
    const int produced = sws_scale(sws.get(), slice, frame.linesize, y, rows, dst_planes, dst_strides);
    if (produced < 0) return Error{path + ": cannot convert its pixels"};
    if (produced == 0) continue;
    if (ring && static_cast<size_t>(produced) * stride > ring->period())
      return Error{path + ": its reduction made more rows at once than the band ring holds"};
    Band band;
    band.first = done;
    band.count = produced;
    band.stride = stride / 2;
    for (int p = 0; p < planes; ++p)
      band.planes[p] = reinterpret_cast<uint16_t*>(dst_planes[p] + static_cast<size_t>(done) * stride);
    if (transform) transform->apply(band.planes[0], w * produced);
    on_band(band);
    for (int p = 0; p < planes; ++p) {
      const size_t band_bytes = static_cast<size_t>(produced) * stride;
      if (ring)
        ring->release(dst_planes[p] + static_cast<size_t>(done) * stride, band_bytes);
      else
        buffer->release(plane_bytes * p + static_cast<size_t>(done) * stride, band_bytes);
    }
    done += produced;
  }
  if (done != h) return Error{path + ": the conversion stopped after " + std::to_string(done) + " rows"};
  return {};
}

// One row of BT.601 Y'CbCr (16-bit: the 8-bit code times 256, as swscale
// widens Y'CbCr) to BT.709 Y' [0, 1], Cb' and Cr' [-0.5, 0.5] through
// R'G'B' clipped to [0, 1]. Written on vectors of eight so the clipping is
// a compare and a blend: as scalar code GCC branches on it, and on a noisy
// photo the mispredictions made this loop 40% of a photo's load time.
typedef float Floats8 __attribute__((vector_size(32)));
typedef uint16_t Codes8 __attribute__((vector_size(16)));
typedef int32_t Ints8 __attribute__((vector_size(32)));

[[gnu::always_inline]] inline Floats8 clip(Floats8 v) {
  const Floats8 zero = {}, one = zero + 1.0f;
  v = v < zero ? zero : v;
  return v > one ? one : v;
}

[[gnu::always_inline]] inline void bt601_to_bt709_8(Floats8 y, Floats8 cb, Floats8 cr, float* out_y,
                                                    float* out_cb, float* out_cr) {
  constexpr float kr = 0.299f, kb = 0.114f, kg = 1.0f - kr - kb;
  const Floats8 r = clip(y + 2 * (1 - kr) * cr);
  const Floats8 b = clip(y + 2 * (1 - kb) * cb);
  const Floats8 g = clip((y - kr * (y + 2 * (1 - kr) * cr) - kb * (y + 2 * (1 - kb) * cb)) / kg);
  Floats8 luma, blue, red;
  bt709_from_rgb(r, g, b, &luma, &blue, &red);
  std::memcpy(out_y, &luma, sizeof luma);
  std::memcpy(out_cb, &blue, sizeof blue);
  std::memcpy(out_cr, &red, sizeof red);
}

__attribute__((target_clones("avx2", "default")))
void bt601_to_bt709(const uint16_t* luma, const uint16_t* blue, const uint16_t* red, int n, bool full_range,
                    float* out_y, float* out_cb, float* out_cr) {
  constexpr float code = 1.0f / 256.0f;
  const float y_offset = full_range ? 0.0f : 16.0f;
  const float y_scale = 1.0f / (full_range ? 255.0f : 219.0f);
  const float c_scale = 1.0f / (full_range ? 255.0f : 224.0f);
  auto load = [](const uint16_t* p) {
    Codes8 c;
    std::memcpy(&c, p, sizeof c);
    return __builtin_convertvector(__builtin_convertvector(c, Ints8), Floats8);
  };
  int x = 0;
  for (; x + 8 <= n; x += 8)
    bt601_to_bt709_8((load(luma + x) * code - y_offset) * y_scale, (load(blue + x) * code - 128.0f) * c_scale,
                     (load(red + x) * code - 128.0f) * c_scale, out_y + x, out_cb + x, out_cr + x);
  if (x < n) {  // the last few, padded
    uint16_t tail[3][8] = {};
    for (int i = 0; x + i < n; ++i) {
      tail[0][i] = luma[x + i];
      tail[1][i] = blue[x + i];
      tail[2][i] = red[x + i];
    }
    float done[3][8];
    bt601_to_bt709_8((load(tail[0]) * code - y_offset) * y_scale, (load(tail[1]) * code - 128.0f) * c_scale,
                     (load(tail[2]) * code - 128.0f) * c_scale, done[0], done[1], done[2]);
    for (int i = 0; x + i < n; ++i) {
      out_y[x + i] = done[0][i];
      out_cb[x + i] = done[1][i];
      out_cr[x + i] = done[2][i];
    }
  }
}

// A slide's picture built from reduced rows as they come: luma straight
// into its 16-bit blocked plane in display orientation; chroma summed over
// 2x2 displayed pixels at half resolution, coded at the end.
class PictureBuilder {
 public:
  PictureBuilder(const ImageRequest& request, bool has_alpha)
      : m_orientation(request.orientation), m_has_alpha(has_alpha), m_w(request.target_width),
        m_h(request.target_height) {
    const bool transposed = m_orientation >= 5;
    m_stored_w = transposed ? m_h : m_w;
    m_stored_h = transposed ? m_w : m_h;
    m_picture.y.allocate(m_w, m_h, 0.0f, 1.0f);
    m_cb.resize((m_w + 1) / 2, (m_h + 1) / 2);
    m_cr.resize((m_w + 1) / 2, (m_h + 1) / 2);
    std::fill(m_cb.data.begin(), m_cb.data.end(), 0.0f);
    std::fill(m_cr.data.begin(), m_cr.data.end(), 0.0f);
    m_bg[0] = request.background.r / 255.0f;
    m_bg[1] = request.background.g / 255.0f;
    m_bg[2] = request.background.b / 255.0f;
    m_y.resize(m_stored_w);
    m_row_cb.resize(m_stored_w);
    m_row_cr.resize(m_stored_w);
  }

  /// A band of RGBA rows (BandFormat::k_rgba).
  void add_rgba(const Band& band) {
    constexpr float scale = 1.0f / 65535.0f;
    for (int sy = band.first; sy < band.first + band.count; ++sy) {
      const uint16_t* px = band.planes[0] + static_cast<size_t>(sy - band.first) * band.stride;
      for (int sx = 0; sx < m_stored_w; ++sx, px += 4) {
        const float alpha = m_has_alpha ? px[3] * scale : 1.0f;
        float rgb[3];
        for (int c = 0; c < 3; ++c) rgb[c] = px[c] * scale * alpha + m_bg[c] * (1.0f - alpha);
        const YCbCr v = to_ycbcr(rgb[0], rgb[1], rgb[2]);
        m_y[sx] = v.y;
        m_row_cb[sx] = v.cb;
        m_row_cr[sx] = v.cr;
      }
      add_row(sy);
    }
  }

  /// A band of BT.601 Y'CbCr rows (BandFormat::k_ycbcr), full or limited
  /// range. 16-bit samples hold the 8-bit code times 256, as swscale widens
  /// Y'CbCr. The R'G'B' they mean is clipped to [0, 1], as the RGBA path's
  /// conversion clips it, and re-encoded in BT.709.
  void add_ycbcr(const Band& band, bool full_range) {
    for (int sy = band.first; sy < band.first + band.count; ++sy) {
      const size_t row = static_cast<size_t>(sy - band.first) * band.stride;
      bt601_to_bt709(band.planes[0] + row, band.planes[1] + row, band.planes[2] + row, m_stored_w, full_range,
                     m_y.data(), m_row_cb.data(), m_row_cr.data());
      add_row(sy);
    }
  }

  SourcePicture finish() {
    BlockedPlane& luma = m_picture.y;
    // Rows past the bottom of the last block repeat the last row.
    for (int y = m_h; y < luma.blocks() * BlockedPlane::k_rows; ++y)
      for (int x = 0; x < m_w; ++x) luma_code(x, y) = luma_code(x, m_h - 1);
    // Each chroma sample sums the (up to) four pixels it covers.
    for (int cy = 0; cy < m_cb.height; ++cy) {
      const int rows = std::min(2, m_h - 2 * cy);
      for (int cx = 0; cx < m_cb.width; ++cx) {
        const float inverse = 1.0f / (rows * std::min(2, m_w - 2 * cx));
        m_cb.row(cy)[cx] *= inverse;
        m_cr.row(cy)[cx] *= inverse;
      }
    }
    m_picture.cb = BlockedPlane::from(m_cb, -0.5f, 0.5f);
    m_cb = {};
    m_picture.cr = BlockedPlane::from(m_cr, -0.5f, 0.5f);
    m_cr = {};
    return std::move(m_picture);
  }

 private:
  // Stored row sy, in m_y, m_row_cb and m_row_cr: its luma codes, and
  // each pixel's share of the chroma sample it falls in. Upright photos
  // (most) take a loop the compiler vectorises; the sums are made in the
  // same order either way.
  void add_row(int sy) {
    if (m_orientation == 1) {
      int16_t* codes = &luma_code(0, sy);
      for (int x = 0; x < m_w; ++x)
        codes[static_cast<size_t>(x / 2) * BlockedPlane::k_pair + x % 2] = luma_from(m_y[x]);
      float* cb = m_cb.row(sy / 2);
      float* cr = m_cr.row(sy / 2);
      for (int x = 0; x < m_w; ++x) {
        cb[x / 2] += m_row_cb[x];
        cr[x / 2] += m_row_cr[x];
      }
      return;
    }
    for (int sx = 0; sx < m_stored_w; ++sx) {
      int dx = 0, dy = 0;
      orient(m_orientation, sx, sy, m_stored_w, m_stored_h, &dx, &dy);
      luma_code(dx, dy) = luma_from(m_y[sx]);
      m_cb.row(dy / 2)[dx / 2] += m_row_cb[sx];
      m_cr.row(dy / 2)[dx / 2] += m_row_cr[sx];
    }
  }

  // Y' in [0, 1] as the plane's signed sample (BlockedPlane::allocate).
  static int16_t luma_from(float y) {
    return static_cast<int16_t>(static_cast<int>(std::min(std::max(y * 65535.0f + 0.5f, 0.0f), 65535.0f)) - 32768);
  }

  int16_t& luma_code(int x, int y) { return m_picture.y.data[m_picture.y.index(x, y)]; }

  int m_orientation;
  bool m_has_alpha;
  int m_w, m_h, m_stored_w = 0, m_stored_h = 0;
  float m_bg[3] = {};
  SourcePicture m_picture;
  Plane m_cb, m_cr;
  std::vector<float> m_y, m_row_cb, m_row_cr;  ///< one stored row, in BT.709 Y'CbCr
};

}  // namespace

Expected<SourcePicture> load_image(const ImageRequest& request) {
  auto info = probe_image(request.path);
  if (!info) return info.error();
  const ImageInfo& image = info.value();
  const bool transposed = request.orientation >= 5;
  const int stored_w = transposed ? request.target_height : request.target_width;
  const int stored_h = transposed ? request.target_width : request.target_height;
  DecodeHint hint;
  if (request.reduced_decode) {
    hint.min_width = stored_w;
    hint.min_height = stored_h;
  }
  Expected<DecodedImage> decoded = decode_image(request.path, image, hint);
  if (!decoded) return decoded.error();
  DecodedImage pixels = std::move(decoded.value());
  const AVFrame& frame = *pixels.frame;
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  if (!desc) return Error{request.path + ": unsupported pixel format"};
  std::unique_ptr<ColourTransform> transform = ColourTransform::for_image(request.path, image.format);
  const bool alpha = (desc->flags & AV_PIX_FMT_FLAG_ALPHA) != 0;
  const bool ycbcr = !transform && !alpha && desc->nb_components == 3 &&
                     !(desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL));
  const bool full_range = is_full_range_yuv(frame);
  PictureBuilder builder(request, alpha);
  Expected<void> reduced = reduce_in_bands(
      frame, desc, stored_w, stored_h, ycbcr ? BandFormat::k_ycbcr : BandFormat::k_rgba, transform.get(),
      request.path, [&](const Band& band) {
        if (ycbcr)
          builder.add_ycbcr(band, full_range);
        else
          builder.add_rgba(band);
      });
  if (!reduced) return reduced.error();
  pixels = DecodedImage{};  // the decoded pixels go before the chroma is coded
  return builder.finish();
}

}  // namespace chunkreel
