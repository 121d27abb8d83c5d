#include "worker/image_loader.h"

#include <algorithm>

#include "common/av_ptr.h"
#include "common/image_probe.h"
#include "worker/colour_transform.h"
#include "worker/image_decoder.h"

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

// The photo at w x h (as stored) in 16-bit RGBA, reduced with Lanczos, then
// converted to sRGB when it carries a profile. Converting the reduced
// pixels, not the full-size ones, costs a fraction: both spaces are
// gamma-encoded RGB, so a reduction is no more right in one than in the
// other, and a 24-megapixel photo shown at 1080p has about a sixth of its
// pixels left to convert (the closing note of the photo issue has the
// measurements).
Expected<std::vector<uint16_t>> reduced_rgba(const AVFrame& frame, const AVPixFmtDescriptor* desc, int w, int h,
                                             ColourTransform* transform, const std::string& path) {
  std::vector<uint16_t> rgba(static_cast<size_t>(w) * h * 4);
  uint8_t* dst_planes[4] = {reinterpret_cast<uint8_t*>(rgba.data()), nullptr, nullptr, nullptr};
  int dst_strides[4] = {w * 8, 0, 0, 0};
  SwsPtr sws(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), w, h,
                            AV_PIX_FMT_RGBA64, SWS_LANCZOS | k_flags, nullptr, nullptr, nullptr));
  if (!sws) return Error{path + ": cannot convert its pixel format"};
  set_source_colorspace(sws.get(), frame, desc);
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, dst_planes, dst_strides);
  if (transform) transform->apply(rgba.data(), w * h);
  return rgba;
}

// The photo decoded, colour-managed and reduced to w x h (as stored), in
// 16-bit RGBA. The decoded pixels are released when this returns.
struct ReducedPhoto {
  std::vector<uint16_t> rgba;
  bool has_alpha = false;
};

Expected<ReducedPhoto> reduced_photo(const std::string& path, int w, int h) {
  auto info = probe_image(path);
  if (!info) return info.error();
  Expected<DecodedImage> decoded = decode_image(path, info.value().format);
  if (!decoded) return decoded.error();
  const AVFrame& frame = *decoded.value().frame;
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  if (!desc) return Error{path + ": unsupported pixel format"};
  std::unique_ptr<ColourTransform> transform = ColourTransform::for_image(path, info.value().format);
  auto rgba = reduced_rgba(frame, desc, w, h, transform.get(), path);
  if (!rgba) return rgba.error();
  return ReducedPhoto{std::move(rgba.value()), (desc->flags & AV_PIX_FMT_FLAG_ALPHA) != 0};
}

}  // namespace

Expected<SourcePicture> load_image(const ImageRequest& request) {
  const bool transposed = request.orientation >= 5;
  const int stored_w = transposed ? request.target_height : request.target_width;
  const int stored_h = transposed ? request.target_width : request.target_height;
  auto reduced = reduced_photo(request.path, stored_w, stored_h);
  if (!reduced) return reduced.error();
  std::vector<uint16_t>& rgba = reduced.value().rgba;
  const bool has_alpha = reduced.value().has_alpha;

  // Luma goes straight into its 16-bit blocked plane; chroma is summed over
  // 2x2 pixels at half resolution, then coded.
  const int w = request.target_width;
  const int h = request.target_height;
  SourcePicture picture;
  BlockedPlane& luma = picture.y;
  luma.width = w;
  luma.height = h;
  luma.scale = 1.0f / 65535.0f;
  luma.offset = 0.0f;
  luma.data.resize(static_cast<size_t>(luma.blocks()) * w * BlockedPlane::k_rows);
  Plane cb, cr;
  cb.resize((w + 1) / 2, (h + 1) / 2);
  cr.resize((w + 1) / 2, (h + 1) / 2);
  std::fill(cb.data.begin(), cb.data.end(), 0.0f);
  std::fill(cr.data.begin(), cr.data.end(), 0.0f);
  const float bg[3] = {request.background.r / 255.0f, request.background.g / 255.0f,
                       request.background.b / 255.0f};
  const float scale = 1.0f / 65535.0f;
  auto luma_code = [&](int x, int y) -> uint16_t& {
    return luma.data[(static_cast<size_t>(y / 8) * w + x) * 8 + (y % 8)];
  };
  for (int sy = 0; sy < stored_h; ++sy) {
    const uint16_t* px = rgba.data() + static_cast<size_t>(sy) * stored_w * 4;
    for (int sx = 0; sx < stored_w; ++sx, px += 4) {
      int dx = 0, dy = 0;
      orient(request.orientation, sx, sy, stored_w, stored_h, &dx, &dy);
      const float alpha = has_alpha ? px[3] * scale : 1.0f;
      float rgb[3];
      for (int c = 0; c < 3; ++c) rgb[c] = px[c] * scale * alpha + bg[c] * (1.0f - alpha);
      const YCbCr v = to_ycbcr(rgb[0], rgb[1], rgb[2]);
      luma_code(dx, dy) = static_cast<uint16_t>(std::clamp(v.y * 65535.0f + 0.5f, 0.0f, 65535.0f));
      cb.row(dy / 2)[dx / 2] += v.cb;
      cr.row(dy / 2)[dx / 2] += v.cr;
    }
  }
  rgba = {};
  // Rows past the bottom of the last block repeat the last row.
  for (int y = h; y < luma.blocks() * BlockedPlane::k_rows; ++y)
    for (int x = 0; x < w; ++x) luma_code(x, y) = luma_code(x, h - 1);
  // Each chroma sample sums the (up to) four pixels it covers.
  for (int cy = 0; cy < cb.height; ++cy) {
    const int rows = std::min(2, h - 2 * cy);
    for (int cx = 0; cx < cb.width; ++cx) {
      const float inverse = 1.0f / (rows * std::min(2, w - 2 * cx));
      cb.row(cy)[cx] *= inverse;
      cr.row(cy)[cx] *= inverse;
    }
  }
  picture.cb = BlockedPlane::from(cb, -0.5f, 0.5f);
  picture.cr = BlockedPlane::from(cr, -0.5f, 0.5f);
  return picture;
}

}  // namespace chunkreel
