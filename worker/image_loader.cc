#include "worker/image_loader.h"

#include <algorithm>

#include "common/av_ptr.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

namespace chunkreel {
namespace {

// Decodes the first picture of `path`.
Expected<FramePtr> decode_first_frame(const std::string& path) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{path + ": cannot open: " + av_error_text(rc)};
  InputFormatPtr input(raw);
  rc = avformat_find_stream_info(input.get(), nullptr);
  if (rc < 0) return Error{path + ": cannot read: " + av_error_text(rc)};
  const AVCodec* codec = nullptr;
  int stream = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream < 0 || !codec) return Error{path + ": holds no picture"};
  CodecContextPtr decoder(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(decoder.get(), input->streams[stream]->codecpar);
  decoder->thread_count = 1;
  rc = avcodec_open2(decoder.get(), codec, nullptr);
  if (rc < 0) return Error{path + ": cannot decode: " + av_error_text(rc)};

  PacketPtr packet = make_packet();
  FramePtr frame = make_frame();
  bool flushing = false;
  for (;;) {
    rc = avcodec_receive_frame(decoder.get(), frame.get());
    if (rc == 0) return frame;
    if (rc != AVERROR(EAGAIN)) break;
    if (flushing) break;
    rc = av_read_frame(input.get(), packet.get());
    if (rc < 0) {
      flushing = true;
      avcodec_send_packet(decoder.get(), nullptr);
      continue;
    }
    if (packet->stream_index == stream) {
      rc = avcodec_send_packet(decoder.get(), packet.get());
      av_packet_unref(packet.get());
      if (rc < 0 && rc != AVERROR(EAGAIN))
        return Error{path + ": corrupt image data: " + av_error_text(rc)};
    } else {
      av_packet_unref(packet.get());
    }
  }
  return Error{path + ": corrupt or truncated image (no picture could be decoded)"};
}

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

}  // namespace

Expected<SourcePicture> load_image(const ImageRequest& request) {
  Expected<FramePtr> decoded = decode_first_frame(request.path);
  if (!decoded) return decoded.error();
  const AVFrame& frame = *decoded.value();
  const bool transposed = request.orientation >= 5;
  const int stored_w = transposed ? request.target_height : request.target_width;
  const int stored_h = transposed ? request.target_width : request.target_height;

  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  if (!desc) return Error{request.path + ": unsupported pixel format"};
  const bool has_alpha = (desc->flags & AV_PIX_FMT_FLAG_ALPHA) != 0;

  SwsPtr sws(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format),
                            stored_w, stored_h, AV_PIX_FMT_RGBA64,
                            SWS_LANCZOS | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT |
                                SWS_FULL_CHR_H_INP,
                            nullptr, nullptr, nullptr));
  if (!sws) return Error{request.path + ": cannot convert its pixel format"};
  if (!(desc->flags & AV_PIX_FMT_FLAG_RGB) && desc->nb_components >= 3) {
    // JPEG and WebP carry BT.601 YCbCr; JPEG's is full range.
    const int* coefficients = sws_getCoefficients(SWS_CS_ITU601);
    sws_setColorspaceDetails(sws.get(), coefficients, is_full_range_yuv(frame) ? 1 : 0,
                             coefficients, 1, 0, 1 << 16, 1 << 16);
  }

  // Converted rows, 4 x 16-bit per pixel, released at the end of this call.
  const int stride = stored_w * 8;
  std::vector<uint16_t> rgba(static_cast<size_t>(stored_w) * stored_h * 4);
  uint8_t* dst_planes[4] = {reinterpret_cast<uint8_t*>(rgba.data()), nullptr, nullptr, nullptr};
  int dst_strides[4] = {stride, 0, 0, 0};
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, dst_planes, dst_strides);

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
