// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// How much resident memory a worker needs for a chunk, before it runs.
//
// The model counts what a worker really holds (worker/chunk_render.cc):
//   - the process and libx264: a measured line per preset (fixed MiB plus
//     MiB per output megapixel, and per megapixel for each encoder thread
//     past the first), fitted to peaks at 720p and 1080p on this kind of
//     machine and checked at 2160p (tests/e2e/test_memory_estimate.cc);
//   - slides: a loaded slide is 16-bit Y'CbCr at its prefiltered size (3
//     bytes a pixel); while the next one loads, its file (twice for JPEG:
//     the packet and libavcodec's unescaped copy), its decoded pixels and
//     the picture being built (4 bytes a pixel) exist at once; a slide
//     read from a neighbour's shared picture is read straight into the
//     picture it becomes, so it adds nothing while it loads;
//   - clips: while a clip plays, its demuxer and decoder (a measured fixed
//     part, and decoded frames by codec and reorder delay), the shaped
//     frame, its picture, a blurred backdrop for contain-blur, and for HDR
//     the tone mapper's float frames; held for the whole slide, so counted
//     as a held slide, never as a load.
// A chunk's first two slides load while libx264 is still growing (its
// frames are allocated over the first frames), so those loads do not add
// to a full encoder; from the third slide on, every load does.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clip_probe.h"
#include "common/error.h"
#include "common/image_probe.h"
#include "common/timeline.h"

namespace chunkreel {

/// One slide of a chunk, as the estimate needs it.
struct SlideMemory {
  const ImageInfo* image = nullptr;
  int prefiltered_width = 0;   ///< the size it is loaded at (display orientation)
  int prefiltered_height = 0;
  /// The frame area its caption can draw on (caption_region), or 0.
  int64_t caption_pixels = 0;
  /// Read from a neighbour's shared picture instead of decoded.
  bool shared_read = false;
  /// A clip's probe (its decoder's frames), or null for a photo or card.
  const ClipInfo* clip = nullptr;
  /// Its picture has a contain-blur backdrop at the output size.
  bool blur_backdrop = false;
};

struct ChunkMemoryInput {
  const OutputSettings* output = nullptr;
  int threads = 1;
  std::vector<SlideMemory> slides;  ///< the chunk's slides, in order
};

int64_t estimate_chunk_peak(const ChunkMemoryInput& input);

/// The smallest peak any worker has: the process alone, under the preset
/// with the smallest fixed part. A budget below it could never hold.
int64_t smallest_worker_peak();

/// How far below a chunk's measured peak its estimate may be: the bound the
/// end-to-end test holds every chunk to (measured estimates have come to
/// 0.96-1.01 of the peaks). A decision that a budget holds, made on
/// estimates alone, leaves this much room; one made on a measured peak
/// does not need to.
constexpr double k_estimate_error = 0.15;

/// What a budget must hold for `estimate` alone to show that it holds.
inline int64_t with_estimate_room(int64_t estimate) {
  return static_cast<int64_t>(estimate * (1 + k_estimate_error));
}

}  // namespace chunkreel
