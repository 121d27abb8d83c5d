// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/clip_frames.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "common/error.h"

namespace chunkreel {
namespace {

// Two times closer than this are the same moment: clip times are computed
// from frame indices and timestamps in doubles, and a frame due exactly at
// a show frame's time must show on it.
constexpr double k_same_time = 1e-6;

// The matrix the stream's samples are in, as libswscale names it. A stream
// that does not say is BT.709 from 720 lines up and BT.601 below, as
// players assume.
const char* matrix_of(const JobClip& clip, int coded_height) {
  const std::string& m = clip.matrix;
  if (m == "bt709") return "bt709";
  if (m == "bt470bg" || m == "smpte170m" || m == "bt601") return "bt601";
  if (m == "smpte240m") return "smpte240m";
  if (m == "fcc") return "fcc";
  if (m == "bt2020nc" || m == "bt2020c") return "bt2020";
  return coded_height >= 720 ? "bt709" : "bt601";
}

// The shaping chain for one frame: HDR to SDR BT.709, the prefiltered size
// in stored orientation, 16-bit R'G'B', then the display rotation.
std::string shape_description(const JobClip& clip, int coded_height, int width, int height) {
  const bool turned = clip.quarter_turns % 2 == 1;
  const int stored_w = turned ? height : width;
  const int stored_h = turned ? width : height;
  std::string chain;
  std::string matrix = matrix_of(clip, coded_height);
  std::string range = clip.full_range ? "full" : "limited";
  if (clip.transfer != ClipTransfer::k_sdr) {
    // Linear light, BT.709 primaries, Hable's curve, then BT.709's transfer.
    chain += "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,"
             "zscale=t=bt709:m=bt709:r=limited,format=yuv444p16le,";
    matrix = "bt709";
    range = "limited";
  }
  chain += fmt::format(
      "scale=w={}:h={}:flags=lanczos+accurate_rnd+full_chroma_int+full_chroma_inp+bitexact:"
      "in_color_matrix={}:in_range={},format=gbrp16le",
      stored_w, stored_h, matrix, range);
  switch (clip.quarter_turns) {
    case 1: chain += ",transpose=clock"; break;
    case 2: chain += ",hflip,vflip"; break;
    case 3: chain += ",transpose=cclock"; break;
    default: break;
  }
  return chain;
}

// 16-bit planar R'G'B' (G, B, R planes) to the renderer's Y'CbCr, chroma
// averaged over each 2x2 block, as photos are.
void to_picture(const AVFrame& rgb, Picture* out) {
  const int w = rgb.width, h = rgb.height;
  out->resize(w, h);
  std::fill(out->cb.data.begin(), out->cb.data.end(), 0.0f);
  std::fill(out->cr.data.begin(), out->cr.data.end(), 0.0f);
  constexpr float k_unit = 1.0f / 65535.0f;
  for (int y = 0; y < h; ++y) {
    const auto* g = reinterpret_cast<const uint16_t*>(rgb.data[0] + static_cast<ptrdiff_t>(y) * rgb.linesize[0]);
    const auto* b = reinterpret_cast<const uint16_t*>(rgb.data[1] + static_cast<ptrdiff_t>(y) * rgb.linesize[1]);
    const auto* r = reinterpret_cast<const uint16_t*>(rgb.data[2] + static_cast<ptrdiff_t>(y) * rgb.linesize[2]);
    float* luma = out->y.row(y);
    float* cb = out->cb.row(y / 2);
    float* cr = out->cr.row(y / 2);
    for (int x = 0; x < w; ++x) {
      float yv, cbv, crv;
      bt709_from_rgb(r[x] * k_unit, g[x] * k_unit, b[x] * k_unit, &yv, &cbv, &crv);
      luma[x] = yv;
      cb[x / 2] += cbv;
      cr[x / 2] += crv;
    }
  }
  // Each chroma sample is the mean of the pixels its block holds (fewer at
  // an odd edge).
  for (int cy = 0; cy < out->cb.height; ++cy) {
    const int rows = std::min(2, h - 2 * cy);
    for (int cx = 0; cx < out->cb.width; ++cx) {
      const float n = static_cast<float>(rows * std::min(2, w - 2 * cx));
      out->cb.row(cy)[cx] /= n;
      out->cr.row(cy)[cx] /= n;
    }
  }
}

}  // namespace

ClipFrames::ClipFrames(const JobClip& clip, int width, int height, int threads)
    : m_clip(clip), m_width(width), m_height(height), m_threads(std::max(1, threads)) {}

ClipFrames::~ClipFrames() = default;

Expected<void> ClipFrames::open() {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, m_clip.file.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{m_clip.file + ": cannot be opened: " + av_error_text(rc)};
  m_input.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return Error{m_clip.file + ": cannot be read: " + av_error_text(rc)};
  m_stream = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (m_stream < 0) return Error{m_clip.file + ": holds no video stream"};
  const AVStream* stream = raw->streams[m_stream];
  // Only the video stream's packets are needed.
  for (unsigned i = 0; i < raw->nb_streams; ++i)
    if (static_cast<int>(i) != m_stream) raw->streams[i]->discard = AVDISCARD_ALL;
  m_time_base = stream->time_base;
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (!codec) return Error{m_clip.file + ": no decoder for its video"};
  m_decoder.reset(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(m_decoder.get(), stream->codecpar);
  m_decoder->thread_count = m_threads;
  m_decoder->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  m_decoder->pkt_timebase = stream->time_base;
  rc = avcodec_open2(m_decoder.get(), codec, nullptr);
  if (rc < 0) return Error{m_clip.file + ": cannot decode its video: " + av_error_text(rc)};
  m_packet = make_packet();
  m_decoded_frame = make_frame();
  return {};
}

Expected<void> ClipFrames::seek(double c) {
  const AVStream* stream = m_input->streams[m_stream];
  const int64_t start_ts = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
  m_seek_at_start = c <= 0;
  const int64_t target =
      m_seek_at_start ? start_ts : start_ts + static_cast<int64_t>(c / av_q2d(m_time_base));
  int rc = m_seek_at_start ? -1 : av_seek_frame(m_input.get(), m_stream, target, AVSEEK_FLAG_BACKWARD);
  // The start, and a stream that cannot seek (or not that far back), is
  // read from the top. MPEG transport and program streams (camcorders'
  // MTS, DVDs) have no index, and a search by timestamp can land past
  // their first keyframe: they go back to their first byte.
  if (rc < 0) {
    m_seek_at_start = true;
    if (m_input->iformat->flags & AVFMT_TS_DISCONT) rc = av_seek_frame(m_input.get(), -1, 0, AVSEEK_FLAG_BYTE);
    if (rc < 0) rc = av_seek_frame(m_input.get(), m_stream, start_ts, AVSEEK_FLAG_BACKWARD);
    if (rc < 0) rc = avformat_seek_file(m_input.get(), m_stream, INT64_MIN, start_ts, start_ts, 0);
  }
  if (rc < 0) return Error{m_clip.file + ": cannot seek: " + av_error_text(rc)};
  avcodec_flush_buffers(m_decoder.get());
  m_deinterlace.reset();
  if (m_clip.interlaced)
    m_deinterlace = std::make_unique<FilterChain>("bwdif=mode=send_frame:parity=auto:deint=all", m_time_base);
  m_input_done = m_decoder_done = false;
  m_key_known = false;
  m_first_after_seek = true;
  m_current.reset();
  m_next.reset();
  m_at_end = false;
  return {};
}

Expected<std::optional<ClipFrames::Timed>> ClipFrames::next_decoded() {
  for (;;) {
    if (m_deinterlace) {
      FramePtr out = make_frame();
      Expected<bool> got = m_deinterlace->pull(out.get());
      if (!got) return got.error();
      if (got.value()) {
        const double time = out->pts * av_q2d(m_deinterlace->output_time_base()) - m_clip.start;
        return std::optional<Timed>(Timed{std::move(out), time});
      }
      if (m_deinterlace->drained()) return std::optional<Timed>();
    }
    if (m_decoder_done) {
      if (!m_deinterlace) return std::optional<Timed>();
      Expected<void> ended = m_deinterlace->push(nullptr);
      if (!ended) return ended.error();
      continue;
    }
    int rc = avcodec_receive_frame(m_decoder.get(), m_decoded_frame.get());
    if (rc == 0) {
      ++m_decoded;
      int64_t ts = m_decoded_frame->best_effort_timestamp;
      if (ts == AV_NOPTS_VALUE) ts = m_decoded_frame->pts;
      if (ts == AV_NOPTS_VALUE) {
        av_frame_unref(m_decoded_frame.get());
        continue;  // a frame with no time cannot be placed
      }
      const double time = ts * av_q2d(m_time_base) - m_clip.start;
      // Leading pictures of an open GOP refer to frames before the
      // keyframe this decode began at: they differ from chunk to chunk.
      if (m_key_known && time < m_key_time - k_same_time) {
        av_frame_unref(m_decoded_frame.get());
        continue;
      }
      m_decoded_frame->pts = ts;
      if (m_deinterlace) {
        Expected<void> pushed = m_deinterlace->push(m_decoded_frame.get());
        av_frame_unref(m_decoded_frame.get());
        if (!pushed) return pushed.error();
        continue;
      }
      FramePtr out = make_frame();
      av_frame_move_ref(out.get(), m_decoded_frame.get());
      return std::optional<Timed>(Timed{std::move(out), time});
    }
    if (rc == AVERROR_EOF) {
      m_decoder_done = true;
      continue;
    }
    if (rc != AVERROR(EAGAIN)) return Error{"decoding failed: " + av_error_text(rc)};
    if (m_input_done) {
      // The decoder has had the end; EAGAIN here would never change.
      m_decoder_done = true;
      continue;
    }
    rc = av_read_frame(m_input.get(), m_packet.get());
    if (rc < 0) {
      m_input_done = true;
      avcodec_send_packet(m_decoder.get(), nullptr);
      continue;
    }
    if (m_packet->stream_index != m_stream) {
      av_packet_unref(m_packet.get());
      continue;
    }
    if (!m_key_known) {
      // Decoding begins at a keyframe; whatever the demuxer gives before
      // one cannot decode the same in every chunk.
      if (!(m_packet->flags & AV_PKT_FLAG_KEY)) {
        av_packet_unref(m_packet.get());
        continue;
      }
      const int64_t ts = m_packet->pts != AV_NOPTS_VALUE ? m_packet->pts : m_packet->dts;
      m_key_time = ts != AV_NOPTS_VALUE ? ts * av_q2d(m_time_base) - m_clip.start : -1e300;
      m_key_known = true;
    }
    rc = avcodec_send_packet(m_decoder.get(), m_packet.get());
    av_packet_unref(m_packet.get());
    if (rc < 0 && rc != AVERROR(EAGAIN)) return Error{"decoding failed: " + av_error_text(rc)};
  }
}

Expected<std::optional<ClipFrames::Timed>> ClipFrames::next_frame() {
  for (;;) {
    auto decoded = next_decoded();
    if (!decoded || !decoded.value()) return decoded;
    if (m_first_after_seek) {
      m_first_after_seek = false;
      // The deinterlacer made this frame without the frame before it, which
      // a decode from an earlier keyframe has.
      if (m_clip.interlaced && !m_seek_at_start) continue;
    }
    return decoded;
  }
}

Expected<void> ClipFrames::convert(const AVFrame& frame, SourcePicture* picture) {
  // Every filter of the chain maps one frame to one frame with no memory of
  // the ones before, so a shown frame comes out the same whatever was shown
  // before it; the chain is kept only to save setting it up each time.
  if (!m_shape)
    m_shape = std::make_unique<FilterChain>(shape_description(m_clip, frame.height, m_width, m_height),
                                            m_time_base);
  Expected<void> pushed = m_shape->push(&frame);
  if (!pushed) return pushed;
  FramePtr rgb = make_frame();
  Expected<bool> got = m_shape->pull(rgb.get());
  if (!got) return got.error();
  if (!got.value()) return Error{"the clip's frame did not come out of its filters"};
  to_picture(*rgb, &m_float);
  *picture = SourcePicture::from(m_float);
  return {};
}

bool ClipFrames::picture_at(double c, SourcePicture* picture) {
  auto fail = [&](const Error& error) -> Fatal {
    return Fatal(ExitCode::k_render_failed,
                 fmt::format("{}: at {:.3f} s of the clip: {}", m_clip.file, c, error.message));
  };
  if (!m_input) {
    Expected<void> opened = open();
    if (!opened) throw Fatal(ExitCode::k_render_failed, opened.error().message);
  }
  // Nothing at or after `out` shows; its last frame before holds.
  const double last = m_clip.out - k_same_time;
  c = std::min(c, last);
  if (!m_current || c < m_current->time - k_same_time) {
    // Seek to a keyframe at or before c, further back while the frame it
    // gives comes after c.
    for (double back = 0;; back = back == 0 ? 1 : back * 2) {
      Expected<void> sought = seek(c - back);
      if (!sought) throw fail(sought.error());
      auto first = next_frame();
      if (!first) throw fail(first.error());
      if (first.value() && (first.value()->time <= c + k_same_time || m_seek_at_start)) {
        m_current = std::move(first.value());
        break;
      }
      if (m_seek_at_start) throw fail(Error{"no frame of its video can be decoded"});
    }
  }
  for (;;) {
    if (!m_next && !m_at_end) {
      auto next = next_frame();
      if (!next) throw fail(next.error());
      if (!next.value() || next.value()->time >= m_clip.out - k_same_time) m_at_end = true;
      else m_next = std::move(next.value());
    }
    if (m_next && m_next->time <= c + k_same_time) {
      m_current = std::move(m_next);
      m_next.reset();
      continue;
    }
    break;
  }
  if (m_has_picture && m_current->time == m_converted_time) return false;
  Expected<void> converted = convert(*m_current->frame, picture);
  if (!converted) throw fail(converted.error());
  m_converted_time = m_current->time;
  m_has_picture = true;
  return true;
}

}  // namespace chunkreel
