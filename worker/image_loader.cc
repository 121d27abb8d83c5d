#include "worker/image_loader.h"

#include <algorithm>
#include <functional>

#include "common/av_ptr.h"
#include "common/image_probe.h"
#include "worker/colour_transform.h"
#include "worker/image_decoder.h"
#include "worker/paged_buffer.h"

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
void set_source_colorspace(SwsContext* sws, const AVFrame& frame, const AVPixFmtDescriptor* desc) {
  if ((desc->flags & AV_PIX_FMT_FLAG_RGB) || desc->nb_components < 3) return;
  const int* coefficients = sws_getCoefficients(SWS_CS_ITU601);
  sws_setColorspaceDetails(sws, coefficients, is_full_range_yuv(frame) ? 1 : 0, coefficients, 1, 0, 1 << 16,
                           1 << 16);
}

constexpr int k_flags = SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;

// Receives finished rows of the reduced photo, as stored: 16-bit RGBA, rows
// [first, first + count), each `width` pixels; the rows are only valid
// during the call.
using RgbaRowsFn = std::function<void(int first, int count, const uint16_t* rows)>;

// The photo reduced to w x h (as stored) with Lanczos, in 16-bit RGBA, and
// converted to sRGB when it carries a profile, handed on in bands.
//
// The source goes to swscale in slices of a few rows (its slice mode gives
// the same pixels as one call), so each band of output rows is finished
// early; it is colour-converted and handed on, and its pages are given back.
// The full-size intermediate is therefore never resident, only a band.
// Converting the reduced pixels, not the full-size ones, costs a fraction:
// both spaces are gamma-encoded RGB, so a reduction is no more right in one
// than in the other.
Expected<void> reduce_in_bands(const AVFrame& frame, const AVPixFmtDescriptor* desc, int w, int h,
                               ColourTransform* transform, const std::string& path,
                               const RgbaRowsFn& on_rows) {
  const size_t stride = static_cast<size_t>(w) * 8;
  PagedBuffer buffer(stride * static_cast<size_t>(h));
  if (!buffer.data()) return Error{path + ": not enough memory to convert it"};
  uint8_t* dst_planes[4] = {buffer.data(), nullptr, nullptr, nullptr};
  int dst_strides[4] = {static_cast<int>(stride), 0, 0, 0};
  SwsPtr sws(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), w, h,
                            AV_PIX_FMT_RGBA64, SWS_LANCZOS | k_flags, nullptr, nullptr, nullptr));
  if (!sws) return Error{path + ": cannot convert its pixel format"};
  set_source_colorspace(sws.get(), frame, desc);

  // Slices start on rows that every plane's subsampling divides.
  constexpr int k_band = 32;
  const bool palette = (desc->flags & AV_PIX_FMT_FLAG_PAL) != 0;
  int done = 0;  // output rows finished
  for (int y = 0; y < frame.height; y += k_band) {
    const int rows = std::min(k_band, frame.height - y);
    const uint8_t* slice[4] = {};
    for (int p = 0; p < 4 && frame.data[p]; ++p) {
      const bool chroma = p == 1 || p == 2;
      const int first = palette && p == 1 ? 0 : chroma ? y >> desc->log2_chroma_h : y;
      slice[p] = frame.data[p] + static_cast<ptrdiff_t>(first) * frame.linesize[p];
    }
    const int produced = sws_scale(sws.get(), slice, frame.linesize, y, rows, dst_planes, dst_strides);
    if (produced < 0) return Error{path + ": cannot convert its pixels"};
    if (produced == 0) continue;
    uint16_t* band = reinterpret_cast<uint16_t*>(buffer.data() + static_cast<size_t>(done) * stride);
    if (transform) transform->apply(band, w * produced);
    on_rows(done, produced, band);
    buffer.release(static_cast<size_t>(done) * stride, static_cast<size_t>(produced) * stride);
    done += produced;
  }
  if (done != h) return Error{path + ": the conversion stopped after " + std::to_string(done) + " rows"};
  return {};
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
    BlockedPlane& luma = m_picture.y;
    luma.width = m_w;
    luma.height = m_h;
    luma.scale = 1.0f / 65535.0f;
    luma.offset = 0.0f;
    luma.data.resize(static_cast<size_t>(luma.blocks()) * m_w * BlockedPlane::k_rows);
    m_cb.resize((m_w + 1) / 2, (m_h + 1) / 2);
    m_cr.resize((m_w + 1) / 2, (m_h + 1) / 2);
    std::fill(m_cb.data.begin(), m_cb.data.end(), 0.0f);
    std::fill(m_cr.data.begin(), m_cr.data.end(), 0.0f);
    m_bg[0] = request.background.r / 255.0f;
    m_bg[1] = request.background.g / 255.0f;
    m_bg[2] = request.background.b / 255.0f;
  }

  void add_rows(int first, int count, const uint16_t* rows) {
    constexpr float scale = 1.0f / 65535.0f;
    for (int sy = first; sy < first + count; ++sy) {
      const uint16_t* px = rows + static_cast<size_t>(sy - first) * m_stored_w * 4;
      for (int sx = 0; sx < m_stored_w; ++sx, px += 4) {
        int dx = 0, dy = 0;
        orient(m_orientation, sx, sy, m_stored_w, m_stored_h, &dx, &dy);
        const float alpha = m_has_alpha ? px[3] * scale : 1.0f;
        float rgb[3];
        for (int c = 0; c < 3; ++c) rgb[c] = px[c] * scale * alpha + m_bg[c] * (1.0f - alpha);
        const YCbCr v = to_ycbcr(rgb[0], rgb[1], rgb[2]);
        luma_code(dx, dy) = static_cast<uint16_t>(std::clamp(v.y * 65535.0f + 0.5f, 0.0f, 65535.0f));
        m_cb.row(dy / 2)[dx / 2] += v.cb;
        m_cr.row(dy / 2)[dx / 2] += v.cr;
      }
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
  uint16_t& luma_code(int x, int y) {
    return m_picture.y.data[(static_cast<size_t>(y / 8) * m_w + x) * 8 + (y % 8)];
  }

  int m_orientation;
  bool m_has_alpha;
  int m_w, m_h, m_stored_w = 0, m_stored_h = 0;
  float m_bg[3] = {};
  SourcePicture m_picture;
  Plane m_cb, m_cr;
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
  PictureBuilder builder(request, (desc->flags & AV_PIX_FMT_FLAG_ALPHA) != 0);
  Expected<void> reduced = reduce_in_bands(
      frame, desc, stored_w, stored_h, transform.get(), request.path,
      [&builder](int first, int count, const uint16_t* rows) { builder.add_rows(first, count, rows); });
  if (!reduced) return reduced.error();
  pixels = DecodedImage{};  // the decoded pixels go before the chroma is coded
  return builder.finish();
}

}  // namespace chunkreel
