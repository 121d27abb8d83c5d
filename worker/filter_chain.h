// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A linear libavfilter graph for video frames: a buffer source, the filters
// `description` names (libavfilter's syntax, e.g. "bwdif=mode=send_frame"),
// and a buffer sink. It is configured for the first frame it is given, so
// it takes that frame's size, format and aspect.

#include <string>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

class FilterChain {
 public:
  /// Frames come in with timestamps in `time_base`.
  FilterChain(std::string description, AVRational time_base)
      : m_description(std::move(description)), m_time_base(time_base) {}

  /// Hands `frame` to the chain (nullptr: no more frames). The frame is
  /// referenced, not taken.
  Expected<void> push(const AVFrame* frame);
  /// The next filtered frame into `out`: true when one came out, false when
  /// the chain needs more input or is drained.
  Expected<bool> pull(AVFrame* out);
  /// The time base of the frames pull() gives (a deinterlacer may halve it).
  AVRational output_time_base() const;
  /// True once the end has been pushed and every frame pulled.
  bool drained() const { return m_drained; }

 private:
  Expected<void> configure(const AVFrame& first);

  std::string m_description;
  AVRational m_time_base;
  FilterGraphPtr m_graph;
  AVFilterContext* m_source = nullptr;  ///< owned by m_graph
  AVFilterContext* m_sink = nullptr;
  bool m_drained = false;
};

}  // namespace chunkreel
