// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/chunk_file.h"

#include <cstring>
#include <filesystem>

namespace chunkreel {
namespace {

// What must be identical for a stream copy to be valid. Opened from their
// headers (ChunkProbe::k_headers), chunks leave pixel format, profile and
// level unset; the extradata's SPS, compared byte for byte, fixes them.
std::string parameter_difference(const AVCodecParameters& a, const AVCodecParameters& b) {
  if (a.codec_id != b.codec_id) return "codec";
  if (a.width != b.width || a.height != b.height) return "frame size";
  if (a.format != b.format) return "pixel format";
  if (a.profile != b.profile) return "profile";
  if (a.level != b.level) return "level";
  if (a.color_space != b.color_space || a.color_primaries != b.color_primaries ||
      a.color_trc != b.color_trc || a.color_range != b.color_range)
    return "colour tags";
  if (a.extradata_size != b.extradata_size ||
      (a.extradata_size > 0 && std::memcmp(a.extradata, b.extradata, a.extradata_size) != 0))
    return "extradata (SPS/PPS)";
  return "";
}

}  // namespace

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

Expected<InputFormatPtr> open_chunk(const std::string& path, ChunkProbe probe) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{base_name(path) + ": cannot open: " + av_error_text(rc)};
  InputFormatPtr input(raw);
  if (probe == ChunkProbe::k_decode) {
    rc = avformat_find_stream_info(raw, nullptr);
    if (rc < 0) return Error{base_name(path) + ": cannot read: " + av_error_text(rc)};
  }
  if (raw->nb_streams != 1) return Error{base_name(path) + ": expected exactly one stream"};
  return input;
}

bool chunk_is_complete(const std::string& path, int64_t frames) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  auto input = open_chunk(path);
  if (!input) return false;
  PacketPtr packet = make_packet();
  int64_t count = 0;
  while (av_read_frame(input.value().get(), packet.get()) >= 0) {
    if (count == 0 && !(packet->flags & AV_PKT_FLAG_KEY)) return false;
    ++count;
    av_packet_unref(packet.get());
  }
  return count == frames;
}

Expected<void> check_chunks_match(const std::vector<std::string>& chunk_paths) {
  if (chunk_paths.empty()) return Error{"no chunks to join"};
  auto first = open_chunk(chunk_paths[0]);
  if (!first) return first.error();
  const AVCodecParameters& reference = *first.value()->streams[0]->codecpar;
  for (size_t i = 1; i < chunk_paths.size(); ++i) {
    auto other = open_chunk(chunk_paths[i]);
    if (!other) return other.error();
    std::string difference = parameter_difference(reference, *other.value()->streams[0]->codecpar);
    if (!difference.empty())
      return Error{"chunk " + std::to_string(i) + " (" + base_name(chunk_paths[i]) +
                   ") was encoded with different " + difference + " from chunk 0; "
                   "it cannot be joined by stream copy"};
  }
  return {};
}

}  // namespace chunkreel
