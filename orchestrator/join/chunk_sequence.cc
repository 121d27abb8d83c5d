// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/join/chunk_sequence.h"

#include <string>

#include "common/chunk_file.h"

namespace chunkreel {

Expected<AVPacket*> ChunkSequence::next() {
  for (;;) {
    if (!m_current) {
      if (m_next_chunk >= m_input.chunk_paths.size()) return static_cast<AVPacket*>(nullptr);
      auto opened = open_chunk(m_input.chunk_paths[m_next_chunk]);
      if (!opened) return opened.error();
      m_current = std::move(opened.value());
      m_offset = m_input.chunk_first_frames[m_next_chunk];
      m_chunk = m_next_chunk++;
      m_packets_in_chunk = 0;
    }
    av_packet_unref(m_packet.get());
    int rc = av_read_frame(m_current.get(), m_packet.get());
    if (rc == AVERROR_EOF) {
      if (m_packets_in_chunk != m_input.chunk_frame_counts[m_chunk])
        return Error{base_name(m_input.chunk_paths[m_chunk]) + ": holds " +
                     std::to_string(m_packets_in_chunk) + " frames, expected " +
                     std::to_string(m_input.chunk_frame_counts[m_chunk])};
      m_current.reset();
      continue;
    }
    if (rc < 0)
      return Error{base_name(m_input.chunk_paths[m_chunk]) + ": " + av_error_text(rc)};
    AVRational tb = m_current->streams[0]->time_base;
    if (m_packets_in_chunk == 0 && !(m_packet->flags & AV_PKT_FLAG_KEY))
      return Error{base_name(m_input.chunk_paths[m_chunk]) + ": does not start with a keyframe"};
    m_packet->pts = av_rescale_q(m_packet->pts, tb, m_frame_unit) + m_offset;
    m_packet->dts = av_rescale_q(m_packet->dts, tb, m_frame_unit) + m_offset;
    m_packet->duration = 1;
    if (m_have_last && m_packet->dts <= m_last_dts)
      return Error{base_name(m_input.chunk_paths[m_chunk]) +
                   ": decode timestamps do not continue from the previous chunk"};
    m_last_dts = m_packet->dts;
    m_have_last = true;
    ++m_packets_in_chunk;
    return m_packet.get();
  }
}

}  // namespace chunkreel
