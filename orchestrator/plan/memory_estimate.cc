// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/memory_estimate.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

constexpr double k_mib = 1024.0 * 1024.0;

// A worker with one tiny photo and no transition, 60 frames: its peak is
// fixed + per_megapixel * output megapixels, plus per_thread_megapixel *
// output megapixels for each encoder thread past the first. Fitted to
// chunkreel-worker peaks (getrusage) at 1280x720 and 1920x1080, crf 20,
// one and two threads; at 3840x2160 the veryfast and medium lines came
// within 7% of the measured peaks.
struct EncoderLine {
  const char* preset;
  double fixed_mib, per_megapixel_mib, per_thread_megapixel_mib;
};
constexpr EncoderLine k_encoder_lines[] = {
    {"ultrafast", 41.3, 14.2, 6.3},   {"superfast", 38.4, 50.9, 21.3},
    {"veryfast", 44.2, 70.3, 23.8},   {"faster", 47.9, 100.5, 20.5},
    {"fast", 51.8, 129.9, 21.5},      {"medium", 56.2, 160.3, 20.8},
    {"slow", 60.4, 195.1, 21.2},      {"slower", 63.0, 236.8, 8.6},
    {"veryslow", 89.6, 301.8, 6.4},   {"placebo", 121.0, 405.0, 7.0},
};

const EncoderLine& encoder_line(const std::string& preset) {
  for (const EncoderLine& line : k_encoder_lines)
    if (preset == line.preset) return line;
  return k_encoder_lines[5];  // medium, x264's own default
}

// The pixels the decoder delivers: a JPEG at least four times the loaded
// size decodes at half scale (worker/image_decoder.cc).
double decoded_pixels(const SlideMemory& s) {
  const ImageInfo& image = *s.image;
  const double stored = double(image.stored_width) * image.stored_height;
  const int need_w = image.transposed() ? s.prefiltered_height : s.prefiltered_width;
  const int need_h = image.transposed() ? s.prefiltered_width : s.prefiltered_height;
  const bool halved = image.format == ImageFormat::k_jpeg &&
                      (image.stored_width + 1) / 2 >= 2 * need_w &&
                      (image.stored_height + 1) / 2 >= 2 * need_h;
  return halved ? stored / 4 : stored;
}

double loaded_pixels(const SlideMemory& s) {
  return double(s.prefiltered_width) * s.prefiltered_height;
}

// What loading a slide adds while it runs: first the file and the
// decode's own peak (what it delivers, or more while it works:
// ImageInfo::decode_peak_bytes_per_pixel), then the decoded pixels and the
// picture being built. A shared picture is read into the picture it
// becomes, which is counted as held.
double load_bytes(const SlideMemory& s) {
  if (s.shared_read) return 0;
  const double file = double(s.image->file_bytes) * (s.image->format == ImageFormat::k_jpeg ? 2 : 1);
  const double decoded = decoded_pixels(s) * s.image->decoded_bytes_per_pixel;
  // A progressive JPEG's coefficients are held at full size even when it
  // decodes at half scale, and are freed with the decoder.
  const double coefficients =
      double(s.image->stored_width) * s.image->stored_height * s.image->coefficient_bytes_per_pixel;
  const double decoding = coefficients + s.image->decode_fixed_bytes +
                          decoded_pixels(s) * std::max(s.image->decoded_bytes_per_pixel,
                                                       s.image->decode_peak_bytes_per_pixel);
  return std::max(decoding + file, decoded + std::max(file, 4.0 * loaded_pixels(s)));
}

// A clip's decoder: its fixed part (demuxer, decoder state, filters, with
// nothing decoded) and the decoded frames held at once, the player's two
// (the frame shown and the next) included. Measured on single-threaded
// decodes of 720p to 2160p clips, 8 and 10 bits, each alone in a worker
// (tests/e2e/test_clips.cc holds the estimates to the peaks): a stream
// that reorders B-frames holds more frames for each frame of delay (the
// references a B-pyramid keeps); VP9 and AV1 keep their reference slots
// filled.
struct DecoderMemory {
  double fixed_mib;
  double frames;
  double frames_per_reorder;
};

DecoderMemory decoder_memory(const std::string& codec) {
  if (codec == "hevc") return {24.6, 4.0, 1.95};
  if (codec == "vp9" || codec == "libvpx-vp9") return {13.5, 6.8, 0};
  if (codec == "libdav1d" || codec == "av1" || codec == "libaom-av1") return {13.5, 11.6, 0};
  if (codec == "mjpeg") return {13.5, 6.3, 0};
  if (codec == "mpeg4" || codec == "h263" || codec == "mpeg2video") return {13.5, 4.5, 3.7};
  return {13.5, 2.4, 3.7};  // H.264 and the rest
}

// What a playing clip holds: its decoder, the shaped frame and the picture
// (16-bit 4:2:0) at the prefiltered size, and for HDR the tone mapper's
// three float R'G'B' frames at the stored size (linear light, BT.709
// primaries, tone-mapped).
double clip_bytes(const SlideMemory& s) {
  const ClipInfo& clip = *s.clip;
  const DecoderMemory decoder = decoder_memory(clip.codec);
  const double frames = decoder.frames + decoder.frames_per_reorder * clip.reorder_frames;
  const double target = loaded_pixels(s);
  const double shaped = target * (clip.bit_depth > 8 ? 3.0 : 1.5);
  const double tone_map = clip.transfer != ClipTransfer::k_sdr ? 3 * 12.0 * clip.coded_width * clip.coded_height : 0;
  return decoder.fixed_mib * k_mib + frames * double(clip.frame_bytes) + shaped + 3.0 * target + tone_map;
}

}  // namespace

int64_t smallest_worker_peak() {
  double fixed = k_encoder_lines[0].fixed_mib;
  for (const EncoderLine& line : k_encoder_lines) fixed = std::min(fixed, line.fixed_mib);
  return static_cast<int64_t>(fixed * k_mib);
}

int64_t estimate_chunk_peak(const ChunkMemoryInput& in) {
  const OutputSettings& out = *in.output;
  const double megapixels = double(out.width) * out.height / 1e6;
  const EncoderLine& line = encoder_line(out.video.preset);
  const double process = line.fixed_mib * k_mib;
  const double encoder = (line.per_megapixel_mib + std::max(0, in.threads - 1) * line.per_thread_megapixel_mib) *
                         megapixels * k_mib;

  // The first two slides load while libx264 is still allocating its
  // frames (over the first frames, as the first slide plays); from the
  // third slide on, each load happens beside the full encoder.
  double held_max = 0, held_second = 0, early_load = 0, late_load = 0;
  for (size_t i = 0; i < in.slides.size(); ++i) {
    const SlideMemory& s = in.slides[i];
    // A contain-blur backdrop is float Y'CbCr 4:2:0 at the output size.
    const double backdrop = s.blur_backdrop ? 6.0 * out.width * out.height : 0;
    const double held = (s.clip ? clip_bytes(s) : 3.0 * loaded_pixels(s)) + backdrop;
    if (held > held_max) {
      held_second = held_max;
      held_max = held;
    } else {
      held_second = std::max(held_second, held);
    }
    if (s.clip) continue;  // decoded as it plays: held, never loaded
    double& load = i < 2 ? early_load : late_load;
    load = std::max(load, load_bytes(s));
  }
  // Captions: a layer of opacity and premultiplied colour for Y' and the
  // two chroma planes (12 bytes a pixel of its region) for each of the two
  // slides on screen, and while one is rasterised its fill, outline and
  // shadow masks and four float planes (28 bytes a pixel).
  int64_t caption_max = 0;
  for (const SlideMemory& s : in.slides) caption_max = std::max(caption_max, s.caption_pixels);
  const double captions = (2 * 12.0 + 28.0) * static_cast<double>(caption_max);
  // The larger of: the full encoder with a slide shown and the second slide
  // of a transition or a later load beside it; an early load beside a
  // shown slide, before the encoder has grown.
  const double peak = captions + std::max(process + encoder + held_max + std::max(held_second, late_load),
                                          process + held_max + early_load);
  return static_cast<int64_t>(peak);
}

}  // namespace chunkreel
