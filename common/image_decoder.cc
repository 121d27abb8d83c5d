// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/image_decoder.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/heif_ffmpeg_decoders.h"
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
  int lowres = 0;
  while (lowres < hint.max_lowres) {
    const int scale = 2 << lowres;  // the next one down
    if ((image.stored_width + scale - 1) / scale < 2 * hint.min_width ||
        (image.stored_height + scale - 1) / scale < 2 * hint.min_height)
      break;
    ++lowres;
  }
  return lowres;
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

// Samples of `bits` bits in 16-bit words, widened in place to the full
// 16-bit range FFmpeg's 16-bit formats mean.
void widen(uint8_t* plane, int stride, int samples_per_row, int rows, int bits) {
  const int shift = 16 - bits;
  if (shift <= 0) return;
  for (int y = 0; y < rows; ++y) {
    uint16_t* row = reinterpret_cast<uint16_t*>(plane + static_cast<size_t>(y) * stride);
    for (int i = 0; i < samples_per_row; ++i)
      row[i] = static_cast<uint16_t>((row[i] << shift) | (row[i] >> (bits - shift)));
  }
}

// An image's RGB(A) planes as GBRP/GBRAP, or GBRP16/GBRAP16 when deeper
// than 8 bits (FFmpeg's planar RGB puts green first: G, B, R, then alpha);
// false, touching nothing, unless every plane is the image's size with
// the luma's depth, 8 or 9 to 16 bits a sample.
bool planar_frame(heif_image* raw, bool alpha, bool deep, AVFrame* frame) {
  const heif_channel channels[4] = {heif_channel_G, heif_channel_B, heif_channel_R, heif_channel_Alpha};
  const int count = alpha ? 4 : 3;
  const int width = heif_image_get_width(raw, heif_channel_R);
  const int height = heif_image_get_height(raw, heif_channel_R);
  if (width <= 0 || height <= 0) return false;
  for (int p = 0; p < count; ++p) {
    const int bits = heif_image_get_bits_per_pixel_range(raw, channels[p]);
    if (!heif_image_has_channel(raw, channels[p]) || (deep ? bits <= 8 || bits > 16 : bits != 8) ||
        heif_image_get_width(raw, channels[p]) != width || heif_image_get_height(raw, channels[p]) != height)
      return false;
  }
  for (int p = 0; p < count; ++p) {
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(raw, channels[p], &stride);
    if (!plane) return false;
    if (deep) widen(plane, stride, width, height, heif_image_get_bits_per_pixel_range(raw, channels[p]));
    frame->data[p] = plane;
    frame->linesize[p] = stride;
  }
  frame->format = deep ? (alpha ? AV_PIX_FMT_GBRAP16LE : AV_PIX_FMT_GBRP16LE) : (alpha ? AV_PIX_FMT_GBRAP : AV_PIX_FMT_GBRP);
  frame->width = width;
  frame->height = height;
  return true;
}

// libheif is asked for RGB(A) as planes: 8-bit samples, or 16-bit words
// holding `bits`-bit values. Planes are what libheif composes a grid in,
// tile by tile, so asking for them spares a pass over the whole picture
// and a second copy of it, which its interleaved form costs; a 10-bit
// image's conversion to planes peaks at about 10.5 bytes a pixel against
// 18.3 for the interleaved form (common/heif_file.cc). The planes hold the
// same values as the interleaved form (compared in the suite). Should they
// come out otherwise (a depth or a size of their own), the image is
// decoded again as interleaved RGB(A).
Expected<DecodedImage> decode_with_libheif(const std::string& path) {
  use_ffmpeg_for_heif();
  auto primary = open_heif(path);
  if (!primary) return Error{path + ": " + primary.error().message};
  heif_image_handle* handle = primary.value().handle.get();
  const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
  const int bits = heif_image_handle_get_luma_bits_per_pixel(handle);
  const bool deep = bits > 8;
  DecodedImage decoded;
  decoded.frame = make_frame();
  AVFrame* frame = decoded.frame.get();
  heif_image* raw = nullptr;
  {
    const heif_error error = heif_decode_image(handle, &raw, heif_colorspace_RGB, heif_chroma_444, nullptr);
    if (error.code != heif_error_Ok) return Error{path + ": corrupt image data: " + error.message};
    decoded.heif.reset(raw);
    if (planar_frame(raw, alpha, deep, frame)) return decoded;
    decoded.heif.reset();
  }
  const heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                  : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  const heif_error error = heif_decode_image(handle, &raw, heif_colorspace_RGB, chroma, nullptr);
  if (error.code != heif_error_Ok) return Error{path + ": corrupt image data: " + error.message};
  decoded.heif.reset(raw);
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(raw, heif_channel_interleaved, &stride);
  frame->width = heif_image_get_width(raw, heif_channel_interleaved);
  frame->height = heif_image_get_height(raw, heif_channel_interleaved);
  if (!plane || frame->width <= 0 || frame->height <= 0) return Error{path + ": decoded to no pixels"};
  if (deep) widen(plane, stride, frame->width * (alpha ? 4 : 3), frame->height, bits);
  frame->format = deep ? (alpha ? AV_PIX_FMT_RGBA64LE : AV_PIX_FMT_RGB48LE) : (alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24);
  frame->data[0] = plane;
  frame->linesize[0] = stride;
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
