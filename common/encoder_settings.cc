// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/encoder_settings.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
}

namespace chunkreel {

EncoderConfig encoder_config(const OutputSettings& output, int threads) {
  EncoderConfig config;
  config.width = output.width;
  config.height = output.height;
  config.fps = output.fps;
  config.preset = output.video.preset;
  config.crf = output.video.crf;
  config.threads = threads < 1 ? 1 : threads;
  return config;
}

// The colour description every chunk carries, in its headers and frames.
constexpr AVColorPrimaries k_primaries = AVCOL_PRI_BT709;
constexpr AVColorTransferCharacteristic k_transfer = AVCOL_TRC_BT709;
constexpr AVColorSpace k_matrix = AVCOL_SPC_BT709;
constexpr AVColorRange k_range = AVCOL_RANGE_MPEG;
constexpr AVChromaLocation k_chroma_site = AVCHROMA_LOC_LEFT;

std::string x264_params() {
  // stitchable: x264 keeps its headers identical across separate encodes
  // with the same settings, which is what lets chunks join by stream copy.
  // Rate control and VBV stay per-chunk (crf), so joins need no buffer model.
  return "stitchable=1:aud=0:repeat-headers=0";
}

void apply_encoder_config(const EncoderConfig& config, AVCodecContext* ctx) {
  ctx->width = config.width;
  ctx->height = config.height;
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->time_base = AVRational{static_cast<int>(config.fps.den), static_cast<int>(config.fps.num)};
  ctx->framerate = AVRational{static_cast<int>(config.fps.num), static_cast<int>(config.fps.den)};
  ctx->sample_aspect_ratio = AVRational{1, 1};
  // Each chunk starts with an IDR; closed GOPs keep every chunk decodable on
  // its own. Keyframes every ~4 s keep seeking quick in long shows.
  ctx->flags |= AV_CODEC_FLAG_CLOSED_GOP | AV_CODEC_FLAG_GLOBAL_HEADER;
  ctx->gop_size = static_cast<int>(4 * config.fps.num / config.fps.den);
  ctx->thread_count = config.threads;
  ctx->color_primaries = k_primaries;
  ctx->color_trc = k_transfer;
  ctx->colorspace = k_matrix;
  ctx->color_range = k_range;
  ctx->chroma_sample_location = k_chroma_site;
  av_opt_set(ctx->priv_data, "preset", config.preset.c_str(), 0);
  av_opt_set(ctx->priv_data, "profile", config.crf == 0 ? "high444" : "high", 0);
  av_opt_set_double(ctx->priv_data, "crf", config.crf, 0);
  av_opt_set(ctx->priv_data, "x264-params", x264_params().c_str(), 0);
}

int min_chunk_frames(const VideoSettings& video) {
  constexpr int k_pyramid_delay = 2;
  return video.preset == "ultrafast" ? 1 : k_pyramid_delay + 1;
}

void apply_colour_tags(AVFrame* frame) {
  frame->color_primaries = k_primaries;
  frame->color_trc = k_transfer;
  frame->colorspace = k_matrix;
  frame->color_range = k_range;
  frame->chroma_location = k_chroma_site;
}

}  // namespace chunkreel
