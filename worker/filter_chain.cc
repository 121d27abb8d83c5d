// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/filter_chain.h"

#include "common/filter_graph.h"

#include <fmt/format.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/pixdesc.h>
}

namespace chunkreel {

Expected<void> FilterChain::configure(const AVFrame& first) {
  m_graph.reset(avfilter_graph_alloc());
  if (!m_graph) return Error{"out of memory for a filter graph"};
  // Filters that slice-thread give the same pixels with any thread count;
  // one keeps a worker's threads where its share says.
  m_graph->nb_threads = 1;
  const AVRational sar = first.sample_aspect_ratio.num > 0 ? first.sample_aspect_ratio : AVRational{1, 1};
  const std::string args = fmt::format("video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
                                       first.width, first.height, first.format, m_time_base.num,
                                       m_time_base.den, sar.num, sar.den);
  return build_linear_graph(m_graph.get(), "buffer", args, m_description, "buffersink", &m_source, &m_sink);
}

Expected<void> FilterChain::push(const AVFrame* frame) {
  if (!m_graph) {
    if (!frame) {
      m_drained = true;
      return {};
    }
    Expected<void> configured = configure(*frame);
    if (!configured) return configured;
  }
  FramePtr copy;
  if (frame) {
    copy = make_frame();
    int rc = av_frame_ref(copy.get(), frame);
    if (rc < 0) return Error{"cannot reference a frame: " + av_error_text(rc)};
  }
  int rc = av_buffersrc_add_frame_flags(m_source, copy.get(), AV_BUFFERSRC_FLAG_KEEP_REF);
  if (rc < 0) return Error{"the filters refused a frame: " + av_error_text(rc)};
  return {};
}

AVRational FilterChain::output_time_base() const {
  return m_sink ? av_buffersink_get_time_base(m_sink) : m_time_base;
}

Expected<bool> FilterChain::pull(AVFrame* out) {
  if (!m_graph) return false;
  av_frame_unref(out);
  int rc = av_buffersink_get_frame(m_sink, out);
  if (rc == AVERROR(EAGAIN)) return false;
  if (rc == AVERROR_EOF) {
    m_drained = true;
    return false;
  }
  if (rc < 0) return Error{"the filters failed: " + av_error_text(rc)};
  return true;
}

}  // namespace chunkreel
