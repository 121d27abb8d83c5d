// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/content_cost.h"

#include <algorithm>

namespace chunkreel {
namespace {

// A format's bytes a pixel in JPEG terms: HEIF and AVIF hold the same detail
// in about half the bytes, lossy WebP in about two thirds; lossless PNG and
// TIFF take about three times as many.
double jpeg_equivalent(ImageFormat format) {
  switch (format) {
    case ImageFormat::k_heif:
    case ImageFormat::k_avif: return 2.0;
    case ImageFormat::k_webp: return 1.5;
    case ImageFormat::k_png:
    case ImageFormat::k_tiff: return 1.0 / 3.0;
    default: return 1.0;
  }
}

// CPU a preset costs libx264 against veryfast, on the same frames (1080p, one
// thread; placebo, not timed, counts as veryslow).
struct PresetSpeed {
  const char* preset;
  double relative;
};
constexpr PresetSpeed k_preset_speeds[] = {
    {"ultrafast", 0.34}, {"superfast", 0.67}, {"veryfast", 1.0}, {"faster", 2.2},
    {"fast", 2.8},       {"medium", 3.1},     {"slow", 4.8},     {"slower", 6.2},
    {"veryslow", 11.2},  {"placebo", 11.2},
};

double preset_speed(const std::string& preset) {
  for (const PresetSpeed& speed : k_preset_speeds)
    if (preset == speed.preset) return speed.relative;
  return 3.1;  // medium, x264's own default
}

constexpr double k_encode_s_per_megapixel = 0.016;  // veryfast, weight 1
constexpr double k_render_s_per_megapixel = 0.00125;
constexpr double k_transition_s_per_megapixel = 0.0013;
constexpr double k_worker_start_s = 0.1;

// Decoding a photo: seconds a stored pixel by format, plus, for JPEG, a
// term for the entropy-coded bytes (a noisy 12 MB JPEG decodes about three
// times slower than a clean 1 MB one of the same size). Then the loader's
// reduction and conversion, about the same a pixel for every format.
double load_seconds(const ImageInfo& image) {
  const double pixels = double(image.stored_width) * image.stored_height;
  double per_pixel = 0;
  double per_byte = 0;
  switch (image.format) {
    case ImageFormat::k_jpeg: per_pixel = 2.5e-9, per_byte = 9e-9; break;
    case ImageFormat::k_png: per_pixel = image.decoded_bytes_per_pixel > 4 ? 26e-9 : 19e-9; break;
    case ImageFormat::k_webp: per_pixel = 8e-9; break;
    case ImageFormat::k_tiff: per_pixel = 5e-9; break;
    case ImageFormat::k_heif:
    case ImageFormat::k_avif: per_pixel = 45e-9; break;
  }
  constexpr double k_reduce_s_per_pixel = 1.6e-9;
  return pixels * (per_pixel + k_reduce_s_per_pixel) + double(image.file_bytes) * per_byte;
}

// Decoding one clip pixel on one thread, by codec, in seconds (ffmpeg
// -threads 1 on 1080p and 2160p test clips); the last covers the rest.
double clip_decode_s_per_pixel(const std::string& codec) {
  if (codec == "h264") return 2.5e-9;
  if (codec == "hevc" || codec == "libdav1d" || codec == "av1") return 3.5e-9;
  if (codec == "vp9" || codec == "libvpx-vp9") return 2.5e-9;
  if (codec == "mjpeg") return 5e-9;
  if (codec == "mpeg4") return 1.5e-9;
  return 3e-9;
}

// Shaping a shown clip frame: the table pass at the prefiltered size, a
// Lanczos reduction from the stored size when there is one, and HDR's tone
// mapping (zscale and tonemap in float, the costliest step by far).
double clip_shape_s(const ClipInfo& clip, int target_pixels) {
  const double coded = double(clip.coded_width) * clip.coded_height;
  double seconds = 0.8e-9 * target_pixels;
  if (target_pixels < coded) seconds += 1.5e-9 * coded;
  if (clip.transfer != ClipTransfer::k_sdr) seconds += 20e-9 * coded;
  return seconds;
}

}  // namespace

double encode_weight(const ImageInfo& image) {
  const double pixels = double(image.stored_width) * image.stored_height;
  if (pixels <= 0 || image.file_bytes <= 0) return 1.0;
  const double bytes_per_pixel = std::clamp(image.file_bytes / pixels * jpeg_equivalent(image.format), 0.0, 3.0);
  return 0.5 + bytes_per_pixel;
}

CostModel make_cost_model(const OutputSettings& output, const std::vector<ImageInfo>& images,
                          const std::vector<bool>& is_card, const std::vector<ClipCost>& clips) {
  const double megapixels = double(output.width) * output.height / 1e6;
  const double encode_s = k_encode_s_per_megapixel * megapixels * preset_speed(output.video.preset);
  const double render_s = k_render_s_per_megapixel * megapixels;
  CostModel model;
  model.transition_frame_s = k_transition_s_per_megapixel * megapixels;
  model.start_s = k_worker_start_s;
  for (size_t i = 0; i < images.size(); ++i) {
    SlideCost slide;
    // A card is one flat colour: nothing to load and almost nothing to
    // encode (weight 0.5 is the formula's at zero bytes a pixel).
    const bool card = i < is_card.size() && is_card[i];
    slide.frame_s = encode_s * (card ? 0.5 : encode_weight(images[i])) + render_s;
    slide.load_s = card ? 0 : load_seconds(images[i]);
    if (i < clips.size() && clips[i].clip) {
      const ClipInfo& clip = *clips[i].clip;
      const double decode_s = clip_decode_s_per_pixel(clip.codec) * clip.coded_width * clip.coded_height;
      const double source_fps = clip.frame_rate > 0 ? clip.frame_rate : output.fps.to_double();
      const double decoded_per_frame = clips[i].speed * source_fps / output.fps.to_double();
      slide.frame_s = encode_s + render_s + decoded_per_frame * decode_s +
                      std::min(1.0, decoded_per_frame) * clip_shape_s(clip, clips[i].target_pixels);
      const double gap = longest_keyframe_gap(clip);
      const double keyframe_gap = gap > 0 ? gap : 2.0;
      slide.load_s = 0.01 + keyframe_gap / 2 * source_fps * decode_s;
    }
    model.slides.push_back(slide);
  }
  return model;
}

}  // namespace chunkreel
