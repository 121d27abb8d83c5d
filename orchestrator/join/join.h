// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The join: chunk files are concatenated by stream copy into the final MP4,
// with the once-encoded audio muxed beside them.
//
// Before anything is written, every chunk's codec parameters and extradata
// (SPS/PPS) are compared byte for byte with the first chunk's; a chunk that
// differs is refused by name, since a stream copy across differing headers
// would decode wrongly. Video timestamps are rebuilt in frame units: a
// packet's chunk-relative time plus the chunk's first frame. Every chunk has
// the same B-frame delay, so decode timestamps continue across joins without
// a gap or a repeat; any packet that would go backwards is an error. The
// output is written under a temporary name with its index at the front
// (faststart) and renamed into place at the end.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/rational.h"

namespace chunkreel {

struct JoinInput {
  std::vector<std::string> chunk_paths;
  std::vector<int64_t> chunk_first_frames;
  std::vector<int64_t> chunk_frame_counts;
  std::string audio_path;  ///< empty: no audio stream
  Rational fps;
  Replace replace = Replace::k_never;  ///< whether the output may replace a file at its path
  /// Polled between packets: when set, the join stops and its temporary
  /// output is removed (JoinResult::interrupted).
  const std::atomic<bool>* interrupted = nullptr;
};

struct JoinResult {
  int64_t video_packets = 0;
  int64_t audio_packets = 0;
  int64_t bytes = 0;
  double wall_s = 0;
  bool interrupted = false;  ///< stopped by JoinInput::interrupted; no output written
};

/// Joins into `output_path` through a fresh temporary file beside it
/// (common/atomic_file.h), after check_chunks_match (common/chunk_file.h).
Expected<JoinResult> join_chunks(const JoinInput& input, const std::string& output_path);

}  // namespace chunkreel
