// SPDX-License-Identifier: GPL-2.0-or-later
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
  /// Where the process's CPU time went. decode: loading photos (prefetch
  /// threads); clip: reading, decoding and shaping clips' frames (all on
  /// the main thread: a clip decodes on one); render: drawing frames, less
  /// clip; other: the main
  /// thread's remaining work (job, encoder and file set-up, muxing);
  /// encode: the rest, which is libx264 on the main thread and on any
  /// threads of its own.
  double decode_cpu_s = 0;
  double clip_cpu_s = 0;
  double render_cpu_s = 0;
  double encode_cpu_s = 0;
  double other_cpu_s = 0;
  /// Photos decoded, and slides' pictures read from a neighbouring chunk's
  /// shared file instead (JobSlide::shared_picture).
  int photos_loaded = 0;
  int pictures_shared = 0;
  int64_t clip_frames_decoded = 0;  ///< clip frames decoded, shown or not
};

/// Called after each frame with the number of frames done so far.
using ProgressFn = std::function<void(int64_t frames_done)>;

Expected<ChunkStats> render_chunk(const ChunkJob& job, const ProgressFn& progress);

}  // namespace chunkreel
