// SPDX-License-Identifier: GPL-2.0-or-later
// libheif hands a decoder plugin one image's (or grid tile's) bitstream,
// in one or more pushes, then asks for the picture:
// - HEVC: the hvcC parameter sets and the coded picture, as NAL units each
//   behind a 4-byte big-endian length (the form libheif writes them in,
//   whatever length size the file used). They become an Annex B stream
//   (start codes) for FFmpeg's HEVC decoder.
// - AV1: the av1C configuration OBUs, if any, then the item's OBUs, in the
//   low-overhead format (every OBU carries its size), which dav1d reads as
//   they are.
// Each is decoded in one packet on the calling thread, and libheif gets
// the picture's planes as its own plugins give them: Y'CbCr at the
// stream's subsampling and bit depth (samples above 8 bits in 16-bit
// words), or one monochrome plane, cropped to the coded picture's size.
// An AV1 picture also carries the sequence header's colour description
// (nclx), as libheif's dav1d plugin passes it on: libheif converts by it
// when the file has no colr box of its own.

#include "common/heif_ffmpeg_decoders.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
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

constexpr int k_priority = 200;  // libde265's is 100, dav1d's 150: the largest wins

struct Decoder {
  heif_compression_format format = heif_compression_undefined;
  std::vector<uint8_t> stream;
  bool malformed = false;
};

// libheif keeps the message pointer: only string literals are returned.
heif_error ok() { return {heif_error_Ok, heif_suberror_Unspecified, "Success"}; }
heif_error failure(const char* message) {
  return {heif_error_Decoder_plugin_error, heif_suberror_Unspecified, message};
}

const char* hevc_name() { return "FFmpeg HEVC decoder (chunkreel)"; }
const char* av1_name() { return "dav1d through FFmpeg (chunkreel)"; }

int supports_hevc(heif_compression_format format) { return format == heif_compression_HEVC ? k_priority : 0; }
int supports_av1(heif_compression_format format) { return format == heif_compression_AV1 ? k_priority : 0; }

heif_error new_hevc_decoder(void** decoder) {
  *decoder = new Decoder{heif_compression_HEVC, {}, false};
  return ok();
}
heif_error new_av1_decoder(void** decoder) {
  *decoder = new Decoder{heif_compression_AV1, {}, false};
  return ok();
}

void free_decoder(void* decoder) { delete static_cast<Decoder*>(decoder); }

void set_strict_decoding(void*, int) {}

heif_error push_hevc(Decoder& decoder, const uint8_t* bytes, size_t size) {
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
    decoder.stream.insert(decoder.stream.end(), k_start_code, k_start_code + 4);
    decoder.stream.insert(decoder.stream.end(), bytes + at, bytes + at + length);
    at += length;
  }
  if (at != size) {
    decoder.malformed = true;
    return failure("HEVC data ends inside a NAL unit's length");
  }
  return ok();
}

heif_error push_data(void* opaque, const void* data, size_t size) {
  Decoder& decoder = *static_cast<Decoder*>(opaque);
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  if (decoder.format == heif_compression_HEVC) return push_hevc(decoder, bytes, size);
  decoder.stream.insert(decoder.stream.end(), bytes, bytes + size);
  return ok();
}

// The stream's colour description, in the code points of ISO/IEC 23091-2,
// which FFmpeg's enums and HEIF's nclx share. A value libheif does not know
// stays at its default (unspecified), as libheif's dav1d plugin leaves it.
void attach_nclx(const AVFrame& frame, heif_image* image) {
  heif_color_profile_nclx* nclx = heif_nclx_color_profile_alloc();
  if (!nclx) return;
  heif_nclx_color_profile_set_color_primaries(nclx, static_cast<uint16_t>(frame.color_primaries));
  heif_nclx_color_profile_set_transfer_characteristics(nclx, static_cast<uint16_t>(frame.color_trc));
  heif_nclx_color_profile_set_matrix_coefficients(nclx, static_cast<uint16_t>(frame.colorspace));
  nclx->full_range_flag = frame.color_range == AVCOL_RANGE_JPEG;
  heif_image_set_nclx_color_profile(image, nclx);
  heif_nclx_color_profile_free(nclx);
}

// The picture's planes, copied into a heif_image of the same layout.
heif_error to_heif_image(const AVFrame& frame, bool with_nclx, heif_image** out) {
  const AVPixFmtDescriptor* format = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  if (!format || (format->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_PAL)) ||
      !(format->flags & AV_PIX_FMT_FLAG_PLANAR || format->nb_components == 1) || format->nb_components == 2 ||
      format->nb_components > 3)
    return failure("the decoder gave a pixel format HEIF does not use");
  const int depth = format->comp[0].depth;
  heif_chroma chroma = heif_chroma_monochrome;
  if (format->nb_components == 3) {
    if (format->log2_chroma_w == 1 && format->log2_chroma_h == 1) chroma = heif_chroma_420;
    else if (format->log2_chroma_w == 1 && format->log2_chroma_h == 0) chroma = heif_chroma_422;
    else if (format->log2_chroma_w == 0 && format->log2_chroma_h == 0) chroma = heif_chroma_444;
    else return failure("the decoder gave a chroma subsampling HEIF does not use");
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
  if (with_nclx) attach_nclx(frame, image);
  *out = image;
  return ok();
}

heif_error decode_image(void* opaque, heif_image** out) {
  Decoder& decoder = *static_cast<Decoder*>(opaque);
  const bool hevc = decoder.format == heif_compression_HEVC;
  if (decoder.malformed || decoder.stream.empty()) return failure("no coded picture to decode");
  const AVCodec* codec = hevc ? avcodec_find_decoder(AV_CODEC_ID_HEVC) : avcodec_find_decoder_by_name("libdav1d");
  if (!codec) return failure(hevc ? "this FFmpeg has no HEVC decoder" : "this FFmpeg has no dav1d decoder");
  CodecContextPtr context(avcodec_alloc_context3(codec));
  if (!context) return failure("not enough memory for the decoder");
  context->thread_count = 1;  // a worker's decode runs beside its encoder's threads
  // A damaged photo is an error to report, not a picture to conceal.
  context->err_recognition = AV_EF_EXPLODE;
  if (avcodec_open2(context.get(), codec, nullptr) < 0) return failure("cannot open FFmpeg's decoder");
  PacketPtr packet = make_packet();
  if (av_new_packet(packet.get(), static_cast<int>(decoder.stream.size())) < 0)
    return failure("not enough memory for the coded picture");
  std::memcpy(packet->data, decoder.stream.data(), decoder.stream.size());
  decoder.stream = {};
  if (avcodec_send_packet(context.get(), packet.get()) < 0) return failure("corrupt coded picture");
  avcodec_send_packet(context.get(), nullptr);
  FramePtr frame = make_frame();
  if (avcodec_receive_frame(context.get(), frame.get()) < 0 || (frame->decode_error_flags != 0) ||
      (frame->flags & AV_FRAME_FLAG_CORRUPT))
    return failure("corrupt coded picture (no whole picture could be decoded)");
  return to_heif_image(*frame, !hevc, out);
}

heif_decoder_plugin plugin_for(const char* (*name)(), int (*supports)(heif_compression_format),
                               heif_error (*new_decoder)(void**), const char* id) {
  heif_decoder_plugin plugin{};
  plugin.plugin_api_version = 3;
  plugin.get_plugin_name = name;
  plugin.does_support_format = supports;
  plugin.new_decoder = new_decoder;
  plugin.free_decoder = free_decoder;
  plugin.push_data = push_data;
  plugin.decode_image = decode_image;
  plugin.set_strict_decoding = set_strict_decoding;
  plugin.id_name = id;
  return plugin;
}

const heif_decoder_plugin k_hevc = plugin_for(hevc_name, supports_hevc, new_hevc_decoder, "chunkreel-ffmpeg-hevc");
const heif_decoder_plugin k_av1 = plugin_for(av1_name, supports_av1, new_av1_decoder, "chunkreel-ffmpeg-dav1d");

bool environment_says(const char* variable, const char* value) {
  const char* set = std::getenv(variable);
  return set && std::string(set) == value;
}

}  // namespace

void use_ffmpeg_for_heif() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!environment_says("CHUNKREEL_HEIF_HEVC", "libde265")) heif_register_decoder_plugin(&k_hevc);
    if (!environment_says("CHUNKREEL_HEIF_AV1", "libheif")) heif_register_decoder_plugin(&k_av1);
  });
}

const char* ffmpeg_heif_hevc_plugin_name() { return hevc_name(); }
const char* ffmpeg_heif_av1_plugin_name() { return av1_name(); }

}  // namespace chunkreel
