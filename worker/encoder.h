// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// libx264 through libavcodec, configured only by common/encoder_settings.

#include <functional>
#include <memory>

#include "common/av_ptr.h"
#include "common/encoder_settings.h"
#include "common/error.h"

namespace chunkreel {

class H264Encoder {
 public:
  using PacketSink = std::function<Expected<void>(AVPacket*)>;

  static Expected<std::unique_ptr<H264Encoder>> open(const EncoderConfig& config);

  /// A yuv420p frame of the configured size, for the renderer to fill
  /// (after av_frame_make_writable: the encoder may still hold the last one).
  AVFrame* frame() { return m_frame.get(); }
  /// Encodes frame() with presentation index `pts`; packets go to `sink`.
  Expected<void> encode(int64_t pts, const PacketSink& sink);
  /// Drains the encoder's delayed frames into `sink`.
  Expected<void> flush(const PacketSink& sink);

  const AVCodecContext* context() const { return m_ctx.get(); }

 private:
  Expected<void> drain(const PacketSink& sink);

  CodecContextPtr m_ctx;
  FramePtr m_frame;
  PacketPtr m_packet;
};

}  // namespace chunkreel
