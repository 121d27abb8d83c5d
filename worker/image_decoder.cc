#include "worker/image_decoder.h"

namespace chunkreel {
namespace {

// Decodes the first picture of `path`.
Expected<FramePtr> decode_with_ffmpeg(const std::string& path) {
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

// libheif decodes to interleaved RGB(A), 8 bits or, for deeper images, 16-bit
// little-endian words holding `bits`-bit values; those are widened in place
// to the full 16-bit range FFmpeg's RGB48/RGBA64 formats mean.
Expected<DecodedImage> decode_with_libheif(const std::string& path) {
  auto primary = open_heif(path);
  if (!primary) return Error{path + ": " + primary.error().message};
  heif_image_handle* handle = primary.value().handle.get();
  const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
  const int bits = heif_image_handle_get_luma_bits_per_pixel(handle);
  const bool deep = bits > 8;
  const heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                  : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  heif_image* raw = nullptr;
  const heif_error error = heif_decode_image(handle, &raw, heif_colorspace_RGB, chroma, nullptr);
  if (error.code != heif_error_Ok) return Error{path + ": corrupt image data: " + error.message};
  DecodedImage decoded;
  decoded.heif.reset(raw);
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(raw, heif_channel_interleaved, &stride);
  const int width = heif_image_get_width(raw, heif_channel_interleaved);
  const int height = heif_image_get_height(raw, heif_channel_interleaved);
  if (!plane || width <= 0 || height <= 0) return Error{path + ": decoded to no pixels"};
  if (deep) {
    const int shift = 16 - bits;
    const int channels = alpha ? 4 : 3;
    for (int y = 0; y < height; ++y) {
      uint16_t* row = reinterpret_cast<uint16_t*>(plane + static_cast<size_t>(y) * stride);
      for (int i = 0; i < width * channels; ++i)
        row[i] = static_cast<uint16_t>((row[i] << shift) | (row[i] >> (bits - shift)));
    }
  }
  decoded.frame = make_frame();
  AVFrame* frame = decoded.frame.get();
  frame->format = deep ? (alpha ? AV_PIX_FMT_RGBA64LE : AV_PIX_FMT_RGB48LE) : (alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24);
  frame->width = width;
  frame->height = height;
  frame->data[0] = plane;
  frame->linesize[0] = stride;
  return decoded;
}

}  // namespace

Expected<DecodedImage> decode_image(const std::string& path, ImageFormat format) {
  if (format == ImageFormat::k_heif || format == ImageFormat::k_avif) return decode_with_libheif(path);
  auto frame = decode_with_ffmpeg(path);
  if (!frame) return frame.error();
  DecodedImage decoded;
  decoded.frame = std::move(frame.value());
  return decoded;
}

}  // namespace chunkreel
