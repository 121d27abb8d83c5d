// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/clip_probe.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "common/av_ptr.h"

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

namespace chunkreel {
namespace {

double seconds(int64_t ts, AVRational base) { return ts == AV_NOPTS_VALUE ? 0.0 : ts * av_q2d(base); }

// The display matrix's rotation as clockwise quarter turns (as the ffmpeg
// tool reads it: av_display_rotation_get() is counter-clockwise).
int quarter_turns_of(const AVStream* stream) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (!matrix || size < 9 * sizeof(int32_t)) return 0;
  const double degrees = -av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(degrees)) return 0;
  const long turns = std::lround(degrees / 90.0);
  return static_cast<int>(((turns % 4) + 4) % 4);
}

// The keyframes in the container's index (MP4 and MOV carry one for the
// whole file; others fill it while reading), as clip times. An index holds
// decoding times, which run behind presentation by the reorder delay: the
// first keyframe is the clip's first frame, at clip time 0, and the others
// are taken at the same offset.
std::vector<double> indexed_keyframes(const AVStream* stream) {
  std::vector<double> keyframes;
  const int count = avformat_index_get_entries_count(stream);
  int64_t first = AV_NOPTS_VALUE;
  for (int i = 0; i < count; ++i) {
    const AVIndexEntry* entry = avformat_index_get_entry(const_cast<AVStream*>(stream), i);
    if (!entry || !(entry->flags & AVINDEX_KEYFRAME) || entry->timestamp == AV_NOPTS_VALUE) continue;
    if (first == AV_NOPTS_VALUE) first = entry->timestamp;
    const double time = seconds(entry->timestamp - first, stream->time_base);
    if (keyframes.empty() || time > keyframes.back()) keyframes.push_back(time);
  }
  return keyframes;
}

std::string date_of(const AVDictionary* metadata) {
  const AVDictionaryEntry* entry = av_dict_get(metadata, "creation_time", nullptr, 0);
  if (!entry || !entry->value) return "";
  const std::string text = entry->value;  // "2024-07-14T10:31:02.000000Z"
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || text.compare(0, 4, "1970") == 0 ||
      text.compare(0, 4, "1904") == 0)
    return "";
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return "";
  return text.substr(0, 10);
}

// Decodes frames until one comes out: proves a decoder handles this
// stream's profile and bit depth. `*interlaced`: the frame says it is
// (some containers record every stream as progressive).
Expected<void> decode_first_frame(AVFormatContext* input, int stream_index, const AVCodec* codec,
                                  const std::string& path, bool* interlaced) {
  CodecContextPtr decoder(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(decoder.get(), input->streams[stream_index]->codecpar);
  decoder->thread_count = 1;
  int rc = avcodec_open2(decoder.get(), codec, nullptr);
  if (rc < 0) return Error{path + ": its " + codec->name + " video cannot be decoded: " + av_error_text(rc)};
  PacketPtr packet = make_packet();
  FramePtr frame = make_frame();
  bool input_done = false;
  // A frame must come within the first packets: a file whose video never
  // decodes is refused rather than read to its end.
  for (int packets = 0; packets < 2000;) {
    rc = avcodec_receive_frame(decoder.get(), frame.get());
    if (rc == 0) {
      *interlaced = frame->interlaced_frame != 0;
      return {};
    }
    if (rc == AVERROR_EOF) break;
    if (rc != AVERROR(EAGAIN)) return Error{path + ": its video cannot be decoded: " + av_error_text(rc)};
    if (input_done) break;
    rc = av_read_frame(input, packet.get());
    if (rc < 0) {
      input_done = true;
      avcodec_send_packet(decoder.get(), nullptr);
      continue;
    }
    if (packet->stream_index == stream_index) {
      ++packets;
      rc = avcodec_send_packet(decoder.get(), packet.get());
      if (rc < 0 && rc != AVERROR_INVALIDDATA)
        return Error{path + ": its video cannot be decoded: " + av_error_text(rc)};
    }
    av_packet_unref(packet.get());
  }
  return Error{path + ": no frame of its video can be decoded"};
}

}  // namespace

const char* to_string(ClipTransfer transfer) {
  switch (transfer) {
    case ClipTransfer::k_hlg: return "hlg";
    case ClipTransfer::k_pq: return "pq";
    default: return "sdr";
  }
}

double longest_keyframe_gap(const ClipInfo& clip) {
  double longest = 0;
  for (size_t i = 1; i < clip.keyframes.size(); ++i) longest = std::max(longest, clip.keyframes[i] - clip.keyframes[i - 1]);
  return longest;
}

bool has_video_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".avi", ".mkv", ".webm", ".mts", ".m2ts"})
    if (ext == known) return true;
  return false;
}

Expected<ClipInfo> probe_clip(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": no such file"};
  if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a folder"};
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{path + ": cannot be opened as a video: " + av_error_text(rc)};
  InputFormatPtr input(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return Error{path + ": cannot be read: " + av_error_text(rc)};
  int index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  // A cover picture is a still, not the clip's video.
  auto is_video = [&](unsigned i) {
    return raw->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
           !(raw->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC);
  };
  if (index >= 0 && !is_video(static_cast<unsigned>(index))) {
    index = -1;
    for (unsigned i = 0; i < raw->nb_streams && index < 0; ++i)
      if (is_video(i)) index = static_cast<int>(i);
  }
  if (index < 0) return Error{path + ": holds no video stream"};
  const AVStream* stream = raw->streams[index];
  const AVCodecParameters* par = stream->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec)
    return Error{fmt::format("{}: its video codec ({}) has no decoder in this FFmpeg", path,
                             avcodec_get_name(par->codec_id))};
  if (par->width <= 0 || par->height <= 0) return Error{path + ": its video has no frame size"};

  ClipInfo info;
  info.stream = index;
  info.codec = codec->name;
  const auto format = static_cast<AVPixelFormat>(par->format);
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  info.pixel_format = desc ? desc->name : "unknown";
  info.reorder_frames = std::max(0, par->video_delay);
  const int frame_bytes = av_image_get_buffer_size(format, par->width, par->height, 1);
  info.frame_bytes = frame_bytes > 0 ? frame_bytes : int64_t{par->width} * par->height * 3 / 2;
  info.bit_depth = desc ? desc->comp[0].depth : 8;
  info.coded_width = par->width;
  info.coded_height = par->height;
  AVRational sar = av_guess_sample_aspect_ratio(raw, const_cast<AVStream*>(stream), nullptr);
  if (sar.num > 0 && sar.den > 0) {
    av_reduce(&info.sar_num, &info.sar_den, sar.num, sar.den, 1 << 16);
  }
  info.quarter_turns = quarter_turns_of(stream);
  int display_w = static_cast<int>(std::lround(double(par->width) * info.sar_num / info.sar_den));
  int display_h = par->height;
  display_w = std::max(display_w, 1);
  if (info.quarter_turns % 2) std::swap(display_w, display_h);
  info.display_width = display_w;
  info.display_height = display_h;

  info.start = stream->start_time != AV_NOPTS_VALUE ? seconds(stream->start_time, stream->time_base) : 0.0;
  if (stream->duration > 0 && stream->duration != AV_NOPTS_VALUE)
    info.duration = seconds(stream->duration, stream->time_base);
  else if (raw->duration > 0)
    info.duration = raw->duration / double(AV_TIME_BASE) - std::max(0.0, info.start - seconds(raw->start_time, AV_TIME_BASE_Q));
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) info.frame_rate = av_q2d(stream->avg_frame_rate);
  else if (stream->r_frame_rate.num > 0 && stream->r_frame_rate.den > 0) info.frame_rate = av_q2d(stream->r_frame_rate);
  info.keyframes = indexed_keyframes(stream);
  info.interlaced = par->field_order == AV_FIELD_TT || par->field_order == AV_FIELD_BB ||
                    par->field_order == AV_FIELD_TB || par->field_order == AV_FIELD_BT;
  if (par->color_trc == AVCOL_TRC_ARIB_STD_B67) info.transfer = ClipTransfer::k_hlg;
  else if (par->color_trc == AVCOL_TRC_SMPTE2084) info.transfer = ClipTransfer::k_pq;
  if (par->color_space != AVCOL_SPC_UNSPECIFIED && par->color_space != AVCOL_SPC_RESERVED) {
    const char* name = av_color_space_name(par->color_space);
    info.matrix = name ? name : "";
  }
  info.full_range = par->color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P ||
                    format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P;
  info.bit_rate = par->bit_rate > 0 ? par->bit_rate : std::max<int64_t>(raw->bit_rate, 0);
  info.date_taken = date_of(raw->metadata);
  if (info.date_taken.empty()) info.date_taken = date_of(stream->metadata);

  const AVCodec* audio_codec = nullptr;
  const int audio = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, index, &audio_codec, 0);
  if (audio >= 0 && audio_codec) {
    info.has_audio = true;
    const AVStream* sound = raw->streams[audio];
    if (sound->start_time != AV_NOPTS_VALUE) info.audio_offset = seconds(sound->start_time, sound->time_base) - info.start;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) info.file_bytes = st.st_size;

  bool frame_interlaced = false;
  Expected<void> decoded = decode_first_frame(raw, index, codec, path, &frame_interlaced);
  if (!decoded) return decoded.error();
  info.interlaced = info.interlaced || frame_interlaced;
  if (info.duration <= 0) return Error{path + ": its video lasts no time"};
  return info;
}

}  // namespace chunkreel
