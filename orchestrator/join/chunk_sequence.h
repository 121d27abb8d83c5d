// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The video packets of the chunks, one chunk after another, retimed to the
// whole show's frame units: a packet's chunk-relative time plus the chunk's
// first frame. Each chunk must hold exactly its frames and start with a
// keyframe, and decode times must keep rising across chunk joins.

#include "common/av_ptr.h"
#include "common/error.h"
#include "orchestrator/join/join.h"

namespace chunkreel {

class ChunkSequence {
 public:
  ChunkSequence(const JoinInput& input, AVRational frame_unit)
      : m_input(input), m_frame_unit(frame_unit), m_packet(make_packet()) {}

  /// Next packet in frame units, or nullptr at the end.
  Expected<AVPacket*> next();

 private:
  const JoinInput& m_input;
  AVRational m_frame_unit;
  PacketPtr m_packet;
  InputFormatPtr m_current;
  size_t m_next_chunk = 0;
  size_t m_chunk = 0;
  int64_t m_offset = 0;
  int64_t m_packets_in_chunk = 0;
  int64_t m_last_dts = 0;
  bool m_have_last = false;
};

}  // namespace chunkreel
