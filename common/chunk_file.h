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

/// Opens a chunk and reads its stream info; it must hold exactly one stream.
Expected<InputFormatPtr> open_chunk(const std::string& path);

/// True when `path` is a whole chunk: it opens, holds exactly `frames`
/// video packets and starts with a keyframe.
bool chunk_is_complete(const std::string& path, int64_t frames);

/// Refuses if the chunks' codec parameters differ, naming the chunk and
/// what differs.
Expected<void> check_chunks_match(const std::vector<std::string>& chunk_paths);

}  // namespace chunkreel
