// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reads what a video clip is, before any work: its video stream's codec,
// size, display rotation and aspect, length, scanning, colour and bit depth,
// whether it has sound, and when it was shot. The orchestrator probes every
// clip this way once (it also decodes one frame, so a file whose codec or
// profile no decoder handles is refused up front); workers and the audio
// stage use the recorded facts, never their own guesses.

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

/// How a clip's samples encode light: most are SDR; an iPhone's HDR video
/// is BT.2020 HLG, other HDR video PQ (SMPTE ST 2084).
enum class ClipTransfer { k_sdr, k_hlg, k_pq };

struct ClipInfo {
  int stream = 0;           ///< the video stream's index in the file
  std::string codec;        ///< the decoder's name, e.g. "h264", "hevc"
  std::string pixel_format;  ///< as decoded, e.g. "yuv420p10le"
  int bit_depth = 8;
  int coded_width = 0;      ///< a decoded frame's size (after the codec's crop)
  int coded_height = 0;
  int sar_num = 1;          ///< sample aspect ratio
  int sar_den = 1;
  /// Clockwise quarter turns from stored to display orientation (0..3),
  /// from the stream's display matrix.
  int quarter_turns = 0;
  int display_width = 0;    ///< after the aspect ratio and the rotation
  int display_height = 0;
  double start = 0;         ///< the video stream's start time: clip time 0, in seconds of its timestamps
  double duration = 0;      ///< seconds of video
  double frame_rate = 0;    ///< the stream's average, for planning only
  /// Clip times of the keyframes the container's index lists (MP4 and MOV
  /// list them all; empty when it lists none), for chunk boundaries.
  std::vector<double> keyframes;
  bool interlaced = false;
  /// Frames the decoder holds back to put B-frames in order (the stream's
  /// reorder delay), for the memory estimate.
  int reorder_frames = 0;
  /// Bytes of one decoded frame, as the decoder delivers it.
  int64_t frame_bytes = 0;
  ClipTransfer transfer = ClipTransfer::k_sdr;
  std::string matrix;       ///< "bt709", "bt470bg", "bt2020nc"... ("" when the stream does not say)
  bool full_range = false;
  bool has_audio = false;
  /// Where its sound starts, in clip time (the audio stream's start less the video's).
  double audio_offset = 0;
  int64_t file_bytes = 0;
  int64_t bit_rate = 0;     ///< bits a second of the video stream (or the file), 0 when unknown
  /// The container's creation time as "YYYY-MM-DD"; empty when absent.
  std::string date_taken;
};

const char* to_string(ClipTransfer transfer);

/// The longest gap between `clip`'s indexed keyframes, or 0 when its index
/// lists fewer than two.
double longest_keyframe_gap(const ClipInfo& clip);

/// Probes `path` and decodes its first frame. Errors name the file and
/// what is wrong: no video stream, a codec no decoder handles, no frame.
Expected<ClipInfo> probe_clip(const std::string& path);

/// True when `path`'s extension is one of the video containers chunkreel
/// plays (any case): .mp4 .mov .m4v .3gp .3g2 .avi .mkv .webm .mts .m2ts.
bool has_video_extension(const std::string& path);

}  // namespace chunkreel
