// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What makes a chunk file whole, shared by --resume (reuse it?) and the join
// (may it be copied?): it opens, holds one video stream whose first packet is
// a keyframe and exactly the frames its job asked for, and its codec
// parameters and extradata match the other chunks' byte for byte.

#include <cstdint>
#include <string>
#include <vector>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

/// The file name of `path`, for messages about a chunk.
std::string base_name(const std::string& path);

/// How much of a chunk open_chunk reads before returning.
enum class ChunkProbe {
  /// The container's headers only: the codec, frame size, colour tags,
  /// extradata (the SPS and PPS, which fix profile, level and pixel format)
  /// and the packet index. Enough to copy or count packets; pixel format,
  /// profile and level stay unset.
  k_headers,
  /// Also avformat_find_stream_info, which decodes the first frames to fill
  /// every codec parameter: for the stream an output copies its
  /// parameters from. It costs about 40 ms a 1080p chunk, which for every
  /// chunk of a show was most of the join's time.
  k_decode,
};

/// Opens a chunk; it must hold exactly one stream.
Expected<InputFormatPtr> open_chunk(const std::string& path, ChunkProbe probe = ChunkProbe::k_headers);

/// True when `path` is a whole chunk: it opens, holds exactly `frames`
/// video packets and starts with a keyframe.
bool chunk_is_complete(const std::string& path, int64_t frames);

/// Refuses if the chunks' codec parameters (as their headers give them)
/// differ, naming the chunk and what differs.
Expected<void> check_chunks_match(const std::vector<std::string>& chunk_paths);

}  // namespace chunkreel
