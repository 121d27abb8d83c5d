#include "orchestrator/concat.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/av_ptr.h"

namespace chunkreel {
namespace {

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

Expected<InputFormatPtr> open_input(const std::string& path) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{base_name(path) + ": cannot open: " + av_error_text(rc)};
  InputFormatPtr input(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return Error{base_name(path) + ": cannot read: " + av_error_text(rc)};
  if (raw->nb_streams != 1) return Error{base_name(path) + ": expected exactly one stream"};
  return input;
}

// What must be identical for a stream copy to be valid.
std::string parameter_difference(const AVCodecParameters& a, const AVCodecParameters& b) {
  if (a.codec_id != b.codec_id) return "codec";
  if (a.width != b.width || a.height != b.height) return "frame size";
  if (a.format != b.format) return "pixel format";
  if (a.profile != b.profile) return "profile";
  if (a.level != b.level) return "level";
  if (a.color_space != b.color_space || a.color_primaries != b.color_primaries ||
      a.color_trc != b.color_trc || a.color_range != b.color_range)
    return "colour tags";
  if (a.extradata_size != b.extradata_size ||
      (a.extradata_size > 0 && std::memcmp(a.extradata, b.extradata, a.extradata_size) != 0))
    return "extradata (SPS/PPS)";
  return "";
}

// Reads the video packets of the chunks one after another, retimed to the
// whole show's frame units.
class ChunkSequence {
 public:
  ChunkSequence(const JoinInput& input, AVRational frame_unit)
      : m_input(input), m_frame_unit(frame_unit), m_packet(make_packet()) {}

  /// Next packet in frame units, or nullptr at the end.
  Expected<AVPacket*> next() {
    for (;;) {
      if (!m_current) {
        if (m_next_chunk >= m_input.chunk_paths.size()) return static_cast<AVPacket*>(nullptr);
        auto opened = open_input(m_input.chunk_paths[m_next_chunk]);
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

}  // namespace

bool chunk_is_complete(const std::string& path, int64_t frames) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  auto input = open_input(path);
  if (!input) return false;
  PacketPtr packet = make_packet();
  int64_t count = 0;
  while (av_read_frame(input.value().get(), packet.get()) >= 0) {
    if (count == 0 && !(packet->flags & AV_PKT_FLAG_KEY)) return false;
    ++count;
    av_packet_unref(packet.get());
  }
  return count == frames;
}

Expected<void> check_chunks_match(const std::vector<std::string>& chunk_paths) {
  if (chunk_paths.empty()) return Error{"no chunks to join"};
  auto first = open_input(chunk_paths[0]);
  if (!first) return first.error();
  const AVCodecParameters& reference = *first.value()->streams[0]->codecpar;
  for (size_t i = 1; i < chunk_paths.size(); ++i) {
    auto other = open_input(chunk_paths[i]);
    if (!other) return other.error();
    std::string difference = parameter_difference(reference, *other.value()->streams[0]->codecpar);
    if (!difference.empty())
      return Error{"chunk " + std::to_string(i) + " (" + base_name(chunk_paths[i]) +
                   ") was encoded with different " + difference + " from chunk 0; "
                   "it cannot be joined by stream copy"};
  }
  return {};
}

Expected<JoinResult> join_chunks(const JoinInput& input, const std::string& output_path) {
  const auto started = std::chrono::steady_clock::now();
  Expected<void> matched = check_chunks_match(input.chunk_paths);
  if (!matched) return matched.error();

  const AVRational frame_unit{static_cast<int>(input.fps.den), static_cast<int>(input.fps.num)};
  // A fresh temporary name beside the output: never a file the user had.
  auto file = AtomicFile::create(output_path);
  if (!file) return file.error();
  const std::string& temporary = file.value().temporary_path();
  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", temporary.c_str());
  if (rc < 0 || !raw) return Error{"cannot create the MP4 muxer: " + av_error_text(rc)};
  OutputFormatPtr output(raw);

  auto reference = open_input(input.chunk_paths[0]);
  if (!reference) return reference.error();
  AVStream* video = avformat_new_stream(raw, nullptr);
  avcodec_parameters_copy(video->codecpar, reference.value()->streams[0]->codecpar);
  video->codecpar->codec_tag = 0;
  video->time_base = frame_unit;
  video->avg_frame_rate = AVRational{static_cast<int>(input.fps.num), static_cast<int>(input.fps.den)};

  InputFormatPtr audio_input;
  AVStream* audio = nullptr;
  if (!input.audio_path.empty()) {
    auto opened = open_input(input.audio_path);
    if (!opened) return opened.error();
    audio_input = std::move(opened.value());
    audio = avformat_new_stream(raw, nullptr);
    avcodec_parameters_copy(audio->codecpar, audio_input->streams[0]->codecpar);
    audio->codecpar->codec_tag = 0;
    audio->time_base = audio_input->streams[0]->time_base;
  }

  rc = avio_open(&raw->pb, temporary.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return Error{temporary + ": cannot create: " + av_error_text(rc)};
  AvDictionary options;
  options.set("movflags", "+faststart");
  rc = avformat_write_header(raw, options.address());
  if (rc < 0) return Error{temporary + ": cannot write: " + av_error_text(rc)};

  JoinResult result;
  ChunkSequence chunks(input, frame_unit);
  PacketPtr audio_packet = make_packet();
  AVPacket* next_video = nullptr;
  bool video_done = false;
  bool audio_done = audio == nullptr;
  bool have_audio = false;
  const AVRational audio_tb = audio ? audio_input->streams[0]->time_base : AVRational{1, 1};

  // Merge the two streams in decode-time order so the muxer buffers little.
  while (!video_done || !audio_done) {
    if (!video_done && !next_video) {
      auto packet = chunks.next();
      if (!packet) return packet.error();
      next_video = packet.value();
      video_done = next_video == nullptr;
    }
    if (!audio_done && !have_audio) {
      rc = av_read_frame(audio_input.get(), audio_packet.get());
      if (rc == AVERROR_EOF) {
        audio_done = true;
      } else if (rc < 0) {
        return Error{"cannot read the encoded audio: " + av_error_text(rc)};
      } else {
        have_audio = true;
      }
    }
    bool take_video = !video_done && next_video;
    if (take_video && have_audio &&
        av_compare_ts(audio_packet->dts, audio_tb, next_video->dts, frame_unit) < 0)
      take_video = false;
    if (take_video) {
      next_video->stream_index = video->index;
      av_packet_rescale_ts(next_video, frame_unit, video->time_base);
      rc = av_interleaved_write_frame(raw, next_video);
      next_video = nullptr;
      ++result.video_packets;
    } else if (have_audio) {
      audio_packet->stream_index = audio->index;
      av_packet_rescale_ts(audio_packet.get(), audio_tb, audio->time_base);
      rc = av_interleaved_write_frame(raw, audio_packet.get());
      have_audio = false;
      ++result.audio_packets;
    } else {
      continue;
    }
    if (rc < 0) return Error{temporary + ": cannot write: " + av_error_text(rc)};
  }
  rc = av_write_trailer(raw);
  if (rc < 0) return Error{temporary + ": cannot finish: " + av_error_text(rc)};
  rc = avio_closep(&raw->pb);
  if (rc < 0) return Error{temporary + ": cannot close: " + av_error_text(rc)};
  output.reset();
  Expected<void> committed = file.value().commit();
  if (!committed) return committed.error();

  std::error_code ec;
  result.bytes = static_cast<int64_t>(std::filesystem::file_size(output_path, ec));
  result.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace chunkreel
