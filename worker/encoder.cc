// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/encoder.h"

namespace chunkreel {

Expected<std::unique_ptr<H264Encoder>> H264Encoder::open(const EncoderConfig& config) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) return Error{"this FFmpeg has no libx264 encoder"};
  auto encoder = std::unique_ptr<H264Encoder>(new H264Encoder);
  encoder->m_ctx.reset(avcodec_alloc_context3(codec));
  apply_encoder_config(config, encoder->m_ctx.get());
  int rc = avcodec_open2(encoder->m_ctx.get(), codec, nullptr);
  if (rc < 0) return Error{"cannot open libx264: " + av_error_text(rc)};
  encoder->m_frame = make_frame();
  AVFrame* frame = encoder->m_frame.get();
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = config.width;
  frame->height = config.height;
  apply_colour_tags(frame);
  rc = av_frame_get_buffer(frame, 0);
  if (rc < 0) return Error{"cannot allocate a frame: " + av_error_text(rc)};
  encoder->m_packet = make_packet();
  return encoder;
}

Expected<void> H264Encoder::encode(int64_t pts, const PacketSink& sink) {
  m_frame->pts = pts;
  // Every chunk must open with an IDR so it decodes on its own.
  m_frame->pict_type = pts == 0 ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  int rc = avcodec_send_frame(m_ctx.get(), m_frame.get());
  if (rc < 0) return Error{"encoding failed: " + av_error_text(rc)};
  return drain(sink);
}

Expected<void> H264Encoder::flush(const PacketSink& sink) {
  int rc = avcodec_send_frame(m_ctx.get(), nullptr);
  if (rc < 0) return Error{"cannot flush the encoder: " + av_error_text(rc)};
  return drain(sink);
}

Expected<void> H264Encoder::drain(const PacketSink& sink) {
  for (;;) {
    int rc = avcodec_receive_packet(m_ctx.get(), m_packet.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return Error{"encoding failed: " + av_error_text(rc)};
    Expected<void> sent = sink(m_packet.get());
    av_packet_unref(m_packet.get());
    if (!sent) return sent;
  }
}

}  // namespace chunkreel
