// SPDX-License-Identifier: GPL-2.0-or-later
// libheif hands a decoder plugin one image's (or grid tile's) HEVC
// bitstream: the hvcC parameter sets and the coded picture, as NAL units
// each behind a 4-byte big-endian length (the form libheif writes them in
// whatever length size the file used). This plugin turns them into an
// Annex B stream (start codes), decodes it with libavcodec's HEVC decoder
// in one packet, and gives libheif the picture's planes as libde265's
// plugin does: Y'CbCr at the stream's subsampling and bit depth (samples
// above 8 bits in 16-bit words), or one monochrome plane, cropped by the
// SPS's conformance window. Colour (nclx) stays libheif's business.

#include "common/heif_hevc_plugin.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <mutex>
#include <vector>

#include <libheif/heif.h>
#include <libheif/heif_plugin.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>
}

#include "common/av_ptr.h"

namespace chunkreel {
namespace {

constexpr int k_priority = 200;  // libde265's is 100: the largest wins

struct Decoder {
  std::vector<uint8_t> annex_b;
  bool malformed = false;
};

// libheif keeps the message pointer: only string literals are returned.
heif_error ok() { return {heif_error_Ok, heif_suberror_Unspecified, "Success"}; }
heif_error failure(const char* message) {
  return {heif_error_Decoder_plugin_error, heif_suberror_Unspecified, message};
}

const char* plugin_name() { return "FFmpeg HEVC decoder (chunkreel)"; }

int supports(heif_compression_format format) { return format == heif_compression_HEVC ? k_priority : 0; }

heif_error new_decoder(void** decoder) {
  *decoder = new Decoder;
  return ok();
}

void free_decoder(void* decoder) { delete static_cast<Decoder*>(decoder); }

void set_strict_decoding(void*, int) {}

heif_error push_data(void* opaque, const void* data, size_t size) {
  Decoder& decoder = *static_cast<Decoder*>(opaque);
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  size_t at = 0;
  while (at + 4 <= size) {
    const size_t length = (size_t(bytes[at]) << 24) | (size_t(bytes[at + 1]) << 16) | (size_t(bytes[at + 2]) << 8) |
                          size_t(bytes[at + 3]);
    at += 4;
    if (length > size - at) {
      decoder.malformed = true;
      return failure("an HEVC NAL unit runs past the end of its data");
    }
    static const uint8_t k_start_code[4] = {0, 0, 0, 1};
    decoder.annex_b.insert(decoder.annex_b.end(), k_start_code, k_start_code + 4);
    decoder.annex_b.insert(decoder.annex_b.end(), bytes + at, bytes + at + length);
    at += length;
  }
  if (at != size) {
    decoder.malformed = true;
    return failure("HEVC data ends inside a NAL unit's length");
  }
  return ok();
}

// The picture's planes, copied into a heif_image of the same layout.
heif_error to_heif_image(const AVFrame& frame, heif_image** out) {
  const AVPixFmtDescriptor* format = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  if (!format || (format->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_PAL)) ||
      !(format->flags & AV_PIX_FMT_FLAG_PLANAR || format->nb_components == 1) || format->nb_components == 2 ||
      format->nb_components > 3)
    return failure("the HEVC decoder gave a pixel format HEIF does not use");
  const int depth = format->comp[0].depth;
  heif_chroma chroma = heif_chroma_monochrome;
  if (format->nb_components == 3) {
    if (format->log2_chroma_w == 1 && format->log2_chroma_h == 1) chroma = heif_chroma_420;
    else if (format->log2_chroma_w == 1 && format->log2_chroma_h == 0) chroma = heif_chroma_422;
    else if (format->log2_chroma_w == 0 && format->log2_chroma_h == 0) chroma = heif_chroma_444;
    else return failure("the HEVC decoder gave a chroma subsampling HEIF does not use");
  }
  heif_image* image = nullptr;
  heif_error error = heif_image_create(frame.width, frame.height,
                                       chroma == heif_chroma_monochrome ? heif_colorspace_monochrome
                                                                        : heif_colorspace_YCbCr,
                                       chroma, &image);
  if (error.code != heif_error_Ok) return error;
  const heif_channel channels[3] = {heif_channel_Y, heif_channel_Cb, heif_channel_Cr};
  for (int c = 0; c < format->nb_components; ++c) {
    const int width = c == 0 ? frame.width : AV_CEIL_RSHIFT(frame.width, format->log2_chroma_w);
    const int height = c == 0 ? frame.height : AV_CEIL_RSHIFT(frame.height, format->log2_chroma_h);
    error = heif_image_add_plane(image, channels[c], width, height, depth);
    if (error.code != heif_error_Ok) {
      heif_image_release(image);
      return error;
    }
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(image, channels[c], &stride);
    const size_t row_bytes = static_cast<size_t>(width) * (depth > 8 ? 2 : 1);
    for (int y = 0; y < height; ++y)
      std::memcpy(plane + static_cast<size_t>(y) * stride, frame.data[c] + static_cast<size_t>(y) * frame.linesize[c],
                  row_bytes);
  }
  *out = image;
  return ok();
}

heif_error decode_image(void* opaque, heif_image** out) {
  Decoder& decoder = *static_cast<Decoder*>(opaque);
  if (decoder.malformed || decoder.annex_b.empty()) return failure("no HEVC data to decode");
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_HEVC);
  if (!codec) return failure("this FFmpeg has no HEVC decoder");
  CodecContextPtr context(avcodec_alloc_context3(codec));
  if (!context) return failure("not enough memory for the HEVC decoder");
  context->thread_count = 1;  // a worker's decode runs beside its encoder's threads
  // A damaged photo is an error to report, not a picture to conceal.
  context->err_recognition = AV_EF_EXPLODE;
  if (avcodec_open2(context.get(), codec, nullptr) < 0) return failure("cannot open FFmpeg's HEVC decoder");
  PacketPtr packet = make_packet();
  if (av_new_packet(packet.get(), static_cast<int>(decoder.annex_b.size())) < 0)
    return failure("not enough memory for the HEVC data");
  std::memcpy(packet->data, decoder.annex_b.data(), decoder.annex_b.size());
  decoder.annex_b = {};
  if (avcodec_send_packet(context.get(), packet.get()) < 0) return failure("corrupt HEVC data");
  avcodec_send_packet(context.get(), nullptr);
  FramePtr frame = make_frame();
  if (avcodec_receive_frame(context.get(), frame.get()) < 0 || (frame->decode_error_flags != 0) ||
      (frame->flags & AV_FRAME_FLAG_CORRUPT))
    return failure("corrupt HEVC data (no whole picture could be decoded)");
  return to_heif_image(*frame, out);
}

const heif_decoder_plugin k_plugin = [] {
  heif_decoder_plugin plugin{};
  plugin.plugin_api_version = 3;
  plugin.get_plugin_name = plugin_name;
  plugin.does_support_format = supports;
  plugin.new_decoder = new_decoder;
  plugin.free_decoder = free_decoder;
  plugin.push_data = push_data;
  plugin.decode_image = decode_image;
  plugin.set_strict_decoding = set_strict_decoding;
  plugin.id_name = "chunkreel-ffmpeg-hevc";
  return plugin;
}();

}  // namespace

void use_ffmpeg_for_heif_hevc() {
  static std::once_flag once;
  std::call_once(once, [] {
    // For measuring the two side by side (scripts/bench --phone): the
    // pixels are the same either way.
    const char* choice = std::getenv("CHUNKREEL_HEIF_HEVC");
    if (choice && std::string(choice) == "libde265") return;
    heif_register_decoder_plugin(&k_plugin);
  });
}

const char* ffmpeg_heif_hevc_plugin_name() { return plugin_name(); }

}  // namespace chunkreel
