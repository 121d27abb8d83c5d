// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/clip_frames.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "common/error.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace chunkreel {
namespace {

// Two times closer than this are the same moment: clip times are computed
// from frame indices and timestamps in doubles, and a frame due exactly at
// a show frame's time must show on it.
constexpr double k_same_time = 1e-6;

// The matrix the stream's samples are in, as zscale names it, or "" for
// BT.709. A stream that does not say is BT.709 from 720 lines up and
// BT.601 below, as players assume.
std::string matrix_of(const JobClip& clip, int coded_height) {
  const std::string& m = clip.matrix;
  if (m == "bt709") return "";
  if (m == "bt470bg" || m == "smpte170m" || m == "fcc") return "470bg";
  if (m == "smpte240m") return "240m";
  if (m == "bt2020nc") return "2020_ncl";
  if (m == "bt2020c") return "2020_cl";
  return coded_height >= 720 ? "" : "470bg";
}

// The shaping chain for one frame, and what comes out of it: Y'CbCr 4:2:0
// in BT.709's matrix at the prefiltered size, upright. HDR is tone-mapped
// first and another matrix converted by zscale, both to 16-bit full range;
// BT.709 is only scaled (by swscale, which does not convert between
// matrices), and keeps its range and depth: the samples become the
// renderer's codes in one pass (to_blocked), which costs less than
// swscale's conversion. At the clip's own size, nothing is resampled.
ShapeChain shape_of(const JobClip& clip, const AVFrame& frame, int width, int height) {
  const bool turned = clip.quarter_turns % 2 == 1;
  const int stored_w = turned ? height : width;
  const int stored_h = turned ? width : height;
  const auto format = static_cast<AVPixelFormat>(frame.format);
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  const bool jpeg_range = format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P ||
                          format == AV_PIX_FMT_YUVJ444P || format == AV_PIX_FMT_YUVJ440P ||
                          format == AV_PIX_FMT_YUVJ411P;
  const bool full = clip.full_range || jpeg_range;
  ShapeChain shape;
  std::string chain;
  const std::string matrix = matrix_of(clip, frame.height);
  // zscale converts at the stored size into 4:4:4 (it refuses 4:2:0 of an
  // odd size, which a prefiltered size may be); swscale then scales.
  const std::string scale =
      fmt::format("scale=w={}:h={}:flags=lanczos+accurate_rnd+bitexact:in_range=full:out_range=full,"
                  "format=yuv420p16le",
                  stored_w, stored_h);
  if (clip.transfer != ClipTransfer::k_sdr) {
    // Linear light, BT.709 primaries, Hable's curve, then BT.709's transfer.
    chain = "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,"
            "zscale=t=bt709:m=709:r=full,format=yuv444p16le," + scale;
    shape.full_range = true;
    shape.depth = 16;
  } else if (!matrix.empty()) {
    chain = fmt::format("zscale=min={}:m=709:rin={}:r=full,format=yuv444p16le,", matrix, full ? "full" : "limited") +
            scale;
    shape.full_range = true;
    shape.depth = 16;
  } else {
    const int depth = desc ? desc->comp[0].depth : 8;
    // JPEG-range formats stay so: swscale would move them to limited range.
    const char* out = jpeg_range ? "yuvj420p" : depth <= 8 ? "yuv420p" : depth <= 10 ? "yuv420p10le" : "yuv420p16le";
    shape.depth = jpeg_range || depth <= 8 ? 8 : depth <= 10 ? 10 : 16;
    shape.full_range = full;
    if (stored_w != frame.width || stored_h != frame.height)
      chain = fmt::format("scale=w={}:h={}:flags=lanczos+accurate_rnd+bitexact,", stored_w, stored_h);
    if (chain.empty() && av_get_pix_fmt(out) == format) chain = "null,";
    chain += std::string("format=") + out;
  }
  switch (clip.quarter_turns) {
    case 1: chain += ",transpose=clock"; break;
    case 2: chain += ",hflip,vflip"; break;
    case 3: chain += ",transpose=cclock"; break;
    default: break;
  }
  shape.description = chain;
  return shape;
}

// A plane of `depth`-bit samples into a BlockedPlane of luma (0..1) or
// chroma (-0.5..0.5) values, through a table from each code to the plane's
// own 16-bit code. Rows past the bottom repeat the last one.
template <class Sample>
void to_blocked(const uint8_t* data, int stride, int width, int height, bool chroma, const std::vector<int16_t>& table,
                BlockedPlane* out) {
  const float low = chroma ? -0.5f : 0.0f, high = chroma ? 0.5f : 1.0f;
  if (out->width != width || out->height != height || out->data.empty()) out->allocate(width, height, low, high);
  const size_t top = table.size() - 1;
  const int16_t* codes = table.data();
  auto code = [&](Sample s) { return codes[std::min<size_t>(s, top)]; };
  constexpr int k_rows = BlockedPlane::k_rows;
  // A block at a time, so each pair of columns' 16 samples (8 rows of 2)
  // are written in one run; rows past the bottom repeat the last one.
  for (int b = 0; b < out->blocks(); ++b) {
    const Sample* rows[k_rows];
    for (int r = 0; r < k_rows; ++r)
      rows[r] = reinterpret_cast<const Sample*>(data + static_cast<ptrdiff_t>(std::min(b * k_rows + r, height - 1)) * stride);
    int16_t* pair = out->data.data() + static_cast<size_t>(b) * out->block_samples();
    int x = 0;
    for (; x + 1 < width; x += 2, pair += BlockedPlane::k_pair)
      for (int r = 0; r < k_rows; ++r) {
        pair[2 * r] = code(rows[r][x]);
        pair[2 * r + 1] = code(rows[r][x + 1]);
      }
    if (x < width)
      for (int r = 0; r < k_rows; ++r) pair[2 * r] = code(rows[r][x]);
  }
}

// Each code of a `depth`-bit luma or chroma plane of the given range, as
// the BlockedPlane code of its value (Y' 0..1, C' -0.5..0.5: limited range
// puts 16..235 and 16..240 there, scaled to the depth; full range 0..max,
// chroma centred on half of 2^depth).
std::vector<int16_t> code_table(int depth, bool full_range, bool chroma) {
  const double unit = double(1 << (depth - 8));
  const double max = double((1 << depth) - 1);
  std::vector<int16_t> table(size_t{1} << depth);
  BlockedPlane plane;
  plane.allocate(1, 1, chroma ? -0.5f : 0.0f, chroma ? 0.5f : 1.0f);
  for (size_t code = 0; code < table.size(); ++code) {
    double v;
    if (chroma) v = full_range ? (double(code) - (1 << (depth - 1))) / max : (double(code) - 128 * unit) / (224 * unit);
    else v = full_range ? double(code) / max : (double(code) - 16 * unit) / (219 * unit);
    table[code] = plane.code(static_cast<float>(v));
  }
  return table;
}

}  // namespace

ClipFrames::ClipFrames(const JobClip& clip, int width, int height)
    : m_clip(clip), m_width(width), m_height(height) {}

ClipFrames::~ClipFrames() = default;

Expected<void> ClipFrames::open() {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, m_clip.file.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{m_clip.file + ": cannot be opened: " + av_error_text(rc)};
  m_input.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return Error{m_clip.file + ": cannot be read: " + av_error_text(rc)};
  // The stream the probe chose: the file has not changed since (the chunk's
  // content key covers it).
  m_stream = m_clip.stream;
  if (m_stream < 0 || m_stream >= static_cast<int>(raw->nb_streams) ||
      raw->streams[m_stream]->codecpar->codec_type != AVMEDIA_TYPE_VIDEO)
    return Error{m_clip.file + ": its video stream is not where it was when the show was planned"};
  const AVStream* stream = raw->streams[m_stream];
  // Only the video stream's packets are needed.
  for (unsigned i = 0; i < raw->nb_streams; ++i)
    if (static_cast<int>(i) != m_stream) raw->streams[i]->discard = AVDISCARD_ALL;
  m_time_base = stream->time_base;
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (!codec) return Error{m_clip.file + ": no decoder for its video"};
  m_decoder.reset(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(m_decoder.get(), stream->codecpar);
  m_decoder->thread_count = 1;
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
  if (!m_shape) {
    m_shape_of = shape_of(m_clip, frame, m_width, m_height);
    m_shape = std::make_unique<FilterChain>(m_shape_of.description, m_time_base);
    m_luma_codes = code_table(m_shape_of.depth, m_shape_of.full_range, false);
    m_chroma_codes = code_table(m_shape_of.depth, m_shape_of.full_range, true);
  }
  Expected<void> pushed = m_shape->push(&frame);
  if (!pushed) return pushed;
  FramePtr shaped = make_frame();
  Expected<bool> got = m_shape->pull(shaped.get());
  if (!got) return got.error();
  if (!got.value()) return Error{"the clip's frame did not come out of its filters"};
  const int cw = (shaped->width + 1) / 2, ch = (shaped->height + 1) / 2;
  auto planes = [&](auto sample) {
    using Sample = decltype(sample);
    to_blocked<Sample>(shaped->data[0], shaped->linesize[0], shaped->width, shaped->height, false, m_luma_codes,
                       &picture->y);
    to_blocked<Sample>(shaped->data[1], shaped->linesize[1], cw, ch, true, m_chroma_codes, &picture->cb);
    to_blocked<Sample>(shaped->data[2], shaped->linesize[2], cw, ch, true, m_chroma_codes, &picture->cr);
  };
  if (m_shape_of.depth == 8) planes(uint8_t{});
  else planes(uint16_t{});
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
