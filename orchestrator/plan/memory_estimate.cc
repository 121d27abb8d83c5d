#include "orchestrator/plan/memory_estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace chunkreel {
namespace {

constexpr int64_t k_process_base = 40ll << 20;
constexpr double k_encoder_frame_factor = 3.2;  // bytes of x264 state per byte of a 4:2:0 frame

struct PresetShape {
  const char* name;
  int lookahead, bframes, refs;
};
constexpr PresetShape k_presets[] = {
    {"ultrafast", 0, 0, 1}, {"superfast", 0, 3, 1}, {"veryfast", 10, 3, 1},
    {"faster", 20, 3, 2},   {"fast", 30, 3, 2},     {"medium", 40, 3, 3},
    {"slow", 50, 3, 5},     {"slower", 60, 8, 8},   {"veryslow", 60, 8, 16},
    {"placebo", 60, 16, 16},
};

int frames_in_flight(const std::string& preset, int threads) {
  for (const PresetShape& p : k_presets)
    if (preset == p.name) return p.lookahead + p.bframes + p.refs + threads + 2;
  return 40 + threads;
}

// Bytes per pixel of a decoded image before conversion.
// libheif holds its decoded YCbCr planes and the RGB(A) it converts them to;
// TIFF is often 16-bit RGB.
double decoded_bytes_per_pixel(ImageFormat format) {
  switch (format) {
    case ImageFormat::k_jpeg: return 1.5;
    case ImageFormat::k_heif:
    case ImageFormat::k_avif: return 6.0;
    case ImageFormat::k_tiff: return 6.0;
    default: return 4.0;
  }
}

}  // namespace

int64_t estimate_chunk_peak(const ChunkMemoryInput& in) {
  const OutputSettings& out = *in.output;
  const double picture = double(out.width) * out.height;
  const double encoder = frames_in_flight(out.video.preset, in.threads) * picture * 1.5 *
                         k_encoder_frame_factor;
  const double renderer = picture * 1.5 * sizeof(float);
  // A slide keeps at most the resolution its closest view can use; a cover
  // window on a photo of another shape spans a little more of the image.
  const double usable = picture * in.max_zoom * in.max_zoom * 1.8;
  double held = 0, transient = 0;
  for (const ImageInfo* image : in.images) {
    const double pixels = double(image->width()) * image->height();
    const double prefiltered = std::min(pixels, usable);
    held = std::max(held, prefiltered * 3.0);
    transient = std::max(transient, pixels * decoded_bytes_per_pixel(image->format) +
                                        prefiltered * (8.0 + 1.0));
  }
  return k_process_base + static_cast<int64_t>(encoder + renderer + 2 * held + transient);
}

}  // namespace chunkreel
