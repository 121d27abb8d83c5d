// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The one libx264 configuration every worker uses. Chunks can be joined by
// stream copy only if their SPS/PPS (the extradata) are byte-identical, so
// everything that reaches the headers is set here and nowhere else.

#include <string>

#include "common/timeline.h"

struct AVCodecContext;
struct AVFrame;

namespace chunkreel {

struct EncoderConfig {
  int width = 0;
  int height = 0;
  Rational fps{30, 1};
  std::string preset = "veryfast";
  int crf = 20;
  int threads = 1;  ///< x264 threads; does not reach the headers
};

EncoderConfig encoder_config(const OutputSettings& output, int threads);

/// The x264-params string: the same for every configuration (shared, so
/// tests can check it).
std::string x264_params();

/// Sets size, rate, profile, GOP, colour tags and the libx264 private
/// options on `ctx`, which must be a libx264 context not yet opened.
/// crf 0 is lossless, which x264 allows only in High 4:4:4 Predictive.
void apply_encoder_config(const EncoderConfig& config, AVCodecContext* ctx);

/// The fewest frames a chunk may have so that it joins the others. x264
/// shifts decode times by its B-frame delay (2 frames with B-pyramid, which
/// every preset with B-frames uses; 0 for ultrafast, which has none), but
/// it learns that delay's length in time only when the frame after it
/// arrives: a chunk with fewer frames carries no shift and its decode times
/// cannot continue from the chunk before it.
int min_chunk_frames(const VideoSettings& video);

/// Tags `frame` with the colour description the encoder carries (BT.709
/// primaries, transfer and matrix, limited range, left-sited chroma).
void apply_colour_tags(AVFrame* frame);

}  // namespace chunkreel
