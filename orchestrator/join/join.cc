// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/join/join.h"

#include <chrono>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/av_ptr.h"
#include "common/chunk_file.h"
#include "common/fd_avio.h"
#include "orchestrator/join/chunk_sequence.h"

namespace chunkreel {
namespace {

// The output muxer: the chunks' video stream and, when there is one, the
// once-encoded audio, copied as they are.
struct JoinOutput {
  FdAvioPtr avio;  ///< the temporary file's descriptor; outlives the muxer
  OutputFormatPtr muxer;
  AVStream* video = nullptr;
  AVStream* audio = nullptr;     ///< null: no audio stream
  InputFormatPtr audio_input;
  AVRational audio_time_base{1, 1};
};

AVStream* copy_stream(AVFormatContext* muxer, const AVCodecParameters* from) {
  AVStream* stream = avformat_new_stream(muxer, nullptr);
  if (!stream) return nullptr;
  avcodec_parameters_copy(stream->codecpar, from);
  stream->codecpar->codec_tag = 0;
  return stream;
}

Expected<JoinOutput> open_output(const JoinInput& input, int fd, const std::string& temporary,
                                 AVRational frame_unit) {
  JoinOutput out;
  auto avio = open_fd_avio(fd);
  if (!avio) return avio.error();
  out.avio = std::move(avio.value());
  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", temporary.c_str());
  if (rc < 0 || !raw) return Error{"cannot create the MP4 muxer: " + av_error_text(rc)};
  out.muxer.reset(raw);

  auto reference = open_chunk(input.chunk_paths[0], ChunkProbe::k_decode);
  if (!reference) return reference.error();
  out.video = copy_stream(raw, reference.value()->streams[0]->codecpar);
  if (!out.video) return Error{"cannot add the video stream"};
  out.video->time_base = frame_unit;
  out.video->avg_frame_rate = AVRational{static_cast<int>(input.fps.num), static_cast<int>(input.fps.den)};

  if (!input.audio_path.empty()) {
    auto opened = open_chunk(input.audio_path, ChunkProbe::k_decode);
    if (!opened) return opened.error();
    out.audio_input = std::move(opened.value());
    out.audio_time_base = out.audio_input->streams[0]->time_base;
    out.audio = copy_stream(raw, out.audio_input->streams[0]->codecpar);
    if (!out.audio) return Error{"cannot add the audio stream"};
    out.audio->time_base = out.audio_time_base;
  }

  attach_fd_avio(raw, out.avio.get());
  AvDictionary options;
  options.set("movflags", "+faststart");
  rc = avformat_write_header(raw, options.address());
  if (rc < 0) return Error{temporary + ": cannot write: " + av_error_text(rc)};
  return out;
}

// Copies every packet, merging the two streams in decode-time order so the
// muxer buffers little.
Expected<void> interleave(const JoinInput& input, AVRational frame_unit, JoinOutput& out,
                          const std::string& temporary, JoinResult* result) {
  ChunkSequence chunks(input, frame_unit);
  PacketPtr audio_packet = make_packet();
  AVPacket* next_video = nullptr;
  bool video_done = false;
  bool audio_done = out.audio == nullptr;
  bool have_audio = false;
  while (!video_done || !audio_done) {
    if (input.interrupted && input.interrupted->load()) {
      result->interrupted = true;
      return {};
    }
    if (!video_done && !next_video) {
      auto packet = chunks.next();
      if (!packet) return packet.error();
      next_video = packet.value();
      video_done = next_video == nullptr;
    }
    if (!audio_done && !have_audio) {
      const int rc = av_read_frame(out.audio_input.get(), audio_packet.get());
      if (rc < 0 && rc != AVERROR_EOF) return Error{"cannot read the encoded audio: " + av_error_text(rc)};
      audio_done = rc == AVERROR_EOF;
      have_audio = rc >= 0;
    }
    const bool video_first =
        next_video && !(have_audio && av_compare_ts(audio_packet->dts, out.audio_time_base,
                                                    next_video->dts, frame_unit) < 0);
    int rc = 0;
    if (video_first) {
      next_video->stream_index = out.video->index;
      av_packet_rescale_ts(next_video, frame_unit, out.video->time_base);
      rc = av_interleaved_write_frame(out.muxer.get(), next_video);
      next_video = nullptr;
      ++result->video_packets;
    } else if (have_audio) {
      audio_packet->stream_index = out.audio->index;
      av_packet_rescale_ts(audio_packet.get(), out.audio_time_base, out.audio->time_base);
      rc = av_interleaved_write_frame(out.muxer.get(), audio_packet.get());
      have_audio = false;
      ++result->audio_packets;
    }
    if (rc < 0) return Error{temporary + ": cannot write: " + av_error_text(rc)};
  }
  return {};
}

}  // namespace

Expected<JoinResult> join_chunks(const JoinInput& input, const std::string& output_path) {
  const auto started = std::chrono::steady_clock::now();
  Expected<void> matched = check_chunks_match(input.chunk_paths);
  if (!matched) return matched.error();

  const AVRational frame_unit{static_cast<int>(input.fps.den), static_cast<int>(input.fps.num)};
  // A fresh temporary name beside the output: never a file the user had.
  // It is removed on every early return, after the muxer has closed it.
  auto file = AtomicFile::create(output_path);
  if (!file) return file.error();
  const std::string& temporary = file.value().temporary_path();
  auto out = open_output(input, file.value().fd(), temporary, frame_unit);
  if (!out) return out.error();

  JoinResult result;
  Expected<void> copied = interleave(input, frame_unit, out.value(), temporary, &result);
  if (!copied) return copied.error();
  if (result.interrupted) return result;  // the temporary goes with `file`
  AVFormatContext* muxer = out.value().muxer.get();
  int rc = av_write_trailer(muxer);
  if (rc < 0) return Error{temporary + ": cannot finish: " + av_error_text(rc)};
  Expected<void> flushed = flush_fd_avio(out.value().avio.get(), temporary);
  if (!flushed) return flushed.error();
  out.value().muxer.reset();
  Expected<void> committed = file.value().commit(input.replace);
  if (!committed) return committed.error();

  std::error_code ec;
  result.bytes = static_cast<int64_t>(std::filesystem::file_size(output_path, ec));
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace chunkreel
