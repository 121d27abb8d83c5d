#pragma once
// Renders and encodes one chunk job into its chunk file.

#include <cstdint>
#include <functional>

#include "common/chunk_job.h"
#include "common/error.h"

namespace chunkreel {

struct ChunkStats {
  int64_t frames = 0;
  int64_t bytes = 0;
  double startup_s = 0;  ///< from start until the first frame was rendered
  double wall_s = 0;
};

/// Called after each frame with the number of frames done so far.
using ProgressFn = std::function<void(int64_t frames_done)>;

Expected<ChunkStats> render_chunk(const ChunkJob& job, const ProgressFn& progress);

}  // namespace chunkreel
