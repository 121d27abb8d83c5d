#include "worker/image_decoder.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"


namespace chunkreel {
namespace {

// The largest reduction 2^k that leaves at least twice the hinted size, so
// the Lanczos reduction after it still spans two or more source pixels per
// output pixel: measured, a 1/2-scale decode followed by a smaller
// reduction loses detail, and the 1/4 and 1/8 scales (2x2 and DC-only
// inverse DCTs) lose it even then (tests/worker/test_image_loader.cc).
int lowres_for(AVCodecID codec, const ImageInfo& image, const DecodeHint& hint) {
  if (hint.min_width <= 0 || hint.min_height <= 0 || codec != AV_CODEC_ID_MJPEG) return 0;
  const bool halve = (image.stored_width + 1) / 2 >= 2 * hint.min_width &&
                     (image.stored_height + 1) / 2 >= 2 * hint.min_height;
  return halve ? 1 : 0;
}

// The whole file in one packet, as an image decoder takes it.
Expected<PacketPtr> read_file_packet(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || st.st_size <= 0 || st.st_size > (int64_t{1} << 31))
    return Error{path + ": cannot read its size"};
  PacketPtr packet = make_packet();
  if (av_new_packet(packet.get(), static_cast<int>(st.st_size)) < 0)
    return Error{path + ": not enough memory to read it"};
  size_t done = 0;
  while (done < static_cast<size_t>(st.st_size)) {
    const ssize_t n = ::read(fd.get(), packet->data + done, static_cast<size_t>(st.st_size) - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{path + ": cannot read: " + (n < 0 ? std::strerror(errno) : "it got shorter")};
    done += static_cast<size_t>(n);
  }
  return packet;
}

AVCodecID codec_for(ImageFormat format) {
  switch (format) {
    case ImageFormat::k_jpeg: return AV_CODEC_ID_MJPEG;
    case ImageFormat::k_png: return AV_CODEC_ID_PNG;
    case ImageFormat::k_webp: return AV_CODEC_ID_WEBP;
    case ImageFormat::k_tiff: return AV_CODEC_ID_TIFF;
    default: return AV_CODEC_ID_NONE;
  }
}

// Decodes the picture of `path`. The file goes to the decoder as one
// packet, read once: a demuxer and parser would hold two or three growing
// copies of it while the picture is decoded, tens of megabytes for a large
// JPEG, at the moment a worker's memory peaks.
Expected<FramePtr> decode_with_ffmpeg(const std::string& path, const ImageInfo& image,
                                      const DecodeHint& hint) {
  const AVCodec* codec = avcodec_find_decoder(codec_for(image.format));
  if (!codec) return Error{path + ": no decoder for " + to_string(image.format)};
  Expected<PacketPtr> packet = read_file_packet(path);
  if (!packet) return packet.error();
  CodecContextPtr decoder(avcodec_alloc_context3(codec));
  if (!decoder) return Error{path + ": not enough memory to decode it"};
  decoder->thread_count = 1;
  decoder->lowres = lowres_for(codec->id, image, hint);
  int rc = avcodec_open2(decoder.get(), codec, nullptr);
  if (rc < 0) return Error{path + ": cannot decode: " + av_error_text(rc)};
  rc = avcodec_send_packet(decoder.get(), packet.value().get());
  packet.value().reset();
  if (rc < 0) return Error{path + ": corrupt image data: " + av_error_text(rc)};
  avcodec_send_packet(decoder.get(), nullptr);
  FramePtr frame = make_frame();
  rc = avcodec_receive_frame(decoder.get(), frame.get());
  if (rc < 0) return Error{path + ": corrupt or truncated image (no picture could be decoded)"};
  return frame;
}

// libheif decodes to interleaved RGB(A) for 8-bit images. Deeper ones come
// as planes of 16-bit little-endian words holding `bits`-bit values, widened
// in place to the full 16-bit range FFmpeg's GBRP16/GBRAP16 mean: the
// planes hold the same values as libheif's interleaved form (compared on
// 10-bit HEICs), and its conversion to them peaks at about 10.5 bytes a
// pixel against 18.5 for the interleaved form (common/heif_file.cc).
Expected<DecodedImage> decode_with_libheif(const std::string& path) {
  auto primary = open_heif(path);
  if (!primary) return Error{path + ": " + primary.error().message};
  heif_image_handle* handle = primary.value().handle.get();
  const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
  const int bits = heif_image_handle_get_luma_bits_per_pixel(handle);
  const bool deep = bits > 8;
  const heif_chroma chroma =
      deep ? heif_chroma_444 : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  heif_image* raw = nullptr;
  const heif_error error = heif_decode_image(handle, &raw, heif_colorspace_RGB, chroma, nullptr);
  if (error.code != heif_error_Ok) return Error{path + ": corrupt image data: " + error.message};
  DecodedImage decoded;
  decoded.heif.reset(raw);
  decoded.frame = make_frame();
  AVFrame* frame = decoded.frame.get();
  if (!deep) {
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(raw, heif_channel_interleaved, &stride);
    frame->width = heif_image_get_width(raw, heif_channel_interleaved);
    frame->height = heif_image_get_height(raw, heif_channel_interleaved);
    if (!plane || frame->width <= 0 || frame->height <= 0) return Error{path + ": decoded to no pixels"};
    frame->format = alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
    frame->data[0] = plane;
    frame->linesize[0] = stride;
    return decoded;
  }
  // FFmpeg's planar RGB puts green first: G, B, R, then alpha.
  const heif_channel channels[4] = {heif_channel_G, heif_channel_B, heif_channel_R, heif_channel_Alpha};
  frame->width = heif_image_get_width(raw, heif_channel_R);
  frame->height = heif_image_get_height(raw, heif_channel_R);
  if (frame->width <= 0 || frame->height <= 0) return Error{path + ": decoded to no pixels"};
  for (int p = 0; p < (alpha ? 4 : 3); ++p) {
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(raw, channels[p], &stride);
    const int plane_bits = heif_image_get_bits_per_pixel_range(raw, channels[p]);
    if (!plane || plane_bits <= 8 || plane_bits > 16 || heif_image_get_width(raw, channels[p]) != frame->width ||
        heif_image_get_height(raw, channels[p]) != frame->height)
      return Error{path + ": decoded to planes of unexpected sizes"};
    const int shift = 16 - plane_bits;
    for (int y = 0; shift > 0 && y < frame->height; ++y) {
      uint16_t* row = reinterpret_cast<uint16_t*>(plane + static_cast<size_t>(y) * stride);
      for (int x = 0; x < frame->width; ++x)
        row[x] = static_cast<uint16_t>((row[x] << shift) | (row[x] >> (plane_bits - shift)));
    }
    frame->data[p] = plane;
    frame->linesize[p] = stride;
  }
  frame->format = alpha ? AV_PIX_FMT_GBRAP16LE : AV_PIX_FMT_GBRP16LE;
  return decoded;
}

}  // namespace

Expected<DecodedImage> decode_image(const std::string& path, const ImageInfo& image,
                                    const DecodeHint& hint) {
  if (image.format == ImageFormat::k_heif || image.format == ImageFormat::k_avif)
    return decode_with_libheif(path);
  auto frame = decode_with_ffmpeg(path, image, hint);
  if (!frame) return frame.error();
  DecodedImage decoded;
  decoded.frame = std::move(frame.value());
  return decoded;
}

}  // namespace chunkreel
