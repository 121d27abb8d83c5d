#pragma once
// How much resident memory a worker needs for a chunk, before it runs.
//
// A worker's peak is the sum of:
//   - its process and libraries;
//   - the encoder: x264 holds about (lookahead + B-frames + references +
//     threads + 2) frames, each several times a 4:2:0 picture once padding,
//     half-resolution planes and motion data are counted;
//   - the renderer: one float picture of the output;
//   - the images: two prefiltered slides (16-bit Y'CbCr, 3 bytes a pixel),
//     plus, while the next one loads, its decoded pixels and a 16-bit RGBA
//     conversion at the prefiltered size.
// The constants were fitted to peaks measured on 1080p veryfast renders and
// are corrected at run time by the peaks the finished chunks report.

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/image_probe.h"
#include "common/timeline.h"

namespace chunkreel {

struct ChunkMemoryInput {
  const OutputSettings* output = nullptr;
  int threads = 1;
  double max_zoom = 1.0;               ///< the closest view among the chunk's slides
  std::vector<const ImageInfo*> images;  ///< the chunk's images
};

int64_t estimate_chunk_peak(const ChunkMemoryInput& input);

}  // namespace chunkreel
