// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/audio_mixer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/atomic_file.h"
#include "common/fd_avio.h"
#include "common/av_ptr.h"
#include "orchestrator/audio/audio_source.h"
#include "orchestrator/audio/clip_voice.h"
#include "orchestrator/audio/loudness.h"
#include "orchestrator/audio/track_schedule.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace chunkreel {
namespace {

constexpr int k_block = 1024;  // one AAC frame

// One play of a track (track_schedule.h) being mixed, with its decoder
// while it plays.
struct PlayState {
  const TrackPlay* play = nullptr;
  const AudioTrack* track = nullptr;
  std::unique_ptr<AudioSource> source;
  int64_t start = 0;  ///< first timeline sample
  int64_t stop = 0;   ///< timeline sample where it stops: its end, or the show's
  bool finished = false;
};

// A clip's sound being played.
struct VoiceState {
  const ClipVoice* voice = nullptr;
  std::unique_ptr<ClipVoiceReader> reader;
  int64_t start = 0, end = 0, slide_end = 0;  ///< timeline samples
  int64_t fade_in = 0, fade_out = 0;
  bool finished = false;
};

// `volume` under linear fades: in over `fade_in` samples from `start`, out
// over `fade_out` samples before `end`.
double faded(double volume, int64_t sample, int64_t start, int64_t fade_in, int64_t end, int64_t fade_out) {
  double gain = volume;
  const int64_t since_start = sample - start;
  if (fade_in > 0 && since_start < fade_in) gain *= double(since_start) / fade_in;
  const int64_t until_end = end - sample;
  if (fade_out > 0 && until_end < fade_out) gain *= std::max(0.0, double(until_end) / fade_out);
  return gain;
}

// A voice fades with its slide's transitions: the linear weights a
// crossfade gives its pictures.
double gain_at(const VoiceState& s, int64_t timeline_sample) {
  return faded(s.voice->volume, timeline_sample, s.start, s.fade_in, s.slide_end, s.fade_out);
}

Expected<void> mix_voice(VoiceState& s, int64_t block_start, int frames, float* mix, std::vector<float>& scratch) {
  const int offset = static_cast<int>(std::max<int64_t>(0, s.start - block_start));
  const int want = static_cast<int>(std::min<int64_t>(frames, s.end - block_start)) - offset;
  if (want <= 0) {
    s.finished = block_start + frames >= s.end;
    return {};
  }
  scratch.resize(static_cast<size_t>(want) * 2);
  auto got = s.reader->read(scratch.data(), want);
  if (!got) return Error{s.voice->file + ": its sound: " + got.error().message};
  for (int i = 0; i < got.value(); ++i) {
    const double g = gain_at(s, block_start + offset + i);
    mix[2 * (offset + i)] += static_cast<float>(g * scratch[2 * i]);
    mix[2 * (offset + i) + 1] += static_cast<float>(g * scratch[2 * i + 1]);
  }
  if (got.value() < want || block_start + frames >= s.end) s.finished = true;
  return {};
}

// Adds the play's samples that fall in the block into `mix`; `duck` gives
// the ducking gain of each sample of the block.
Expected<void> mix_play(PlayState& s, int64_t block_start, int frames, double show_end, float* mix,
                        std::vector<float>& scratch, const float* duck) {
  const int offset = static_cast<int>(std::max<int64_t>(0, s.start - block_start));
  const int want = static_cast<int>(std::min<int64_t>(frames, s.stop - block_start)) - offset;
  if (want > 0) {
    scratch.resize(static_cast<size_t>(want) * 2);
    auto got = s.source->read(scratch.data(), want);
    if (!got) return got.error();
    for (int i = 0; i < got.value(); ++i) {
      const double t = double(block_start + offset + i) / k_audio_rate;
      const double g = s.track->volume * play_gain(*s.play, t, show_end) * duck[offset + i];
      mix[2 * (offset + i)] += static_cast<float>(g * scratch[2 * i]);
      mix[2 * (offset + i) + 1] += static_cast<float>(g * scratch[2 * i + 1]);
    }
    // A file that ends before its measured length is silent for the rest.
    if (got.value() < want) s.finished = true;
  }
  if (block_start + frames >= s.stop) s.finished = true;
  return {};
}

class AacWriter {
 public:
  /// Writes into `fd`, the file `path` names (for messages).
  Expected<void> open(int fd, const std::string& path, int bitrate) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (!codec) return Error{"this FFmpeg has no AAC encoder"};
    m_encoder.reset(avcodec_alloc_context3(codec));
    AVCodecContext* enc = m_encoder.get();
    enc->sample_rate = k_audio_rate;
    enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    av_channel_layout_copy(&enc->ch_layout, &stereo);
    enc->bit_rate = bitrate;
    enc->time_base = AVRational{1, k_audio_rate};
    enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int rc = avcodec_open2(enc, codec, nullptr);
    if (rc < 0) return Error{"cannot open the AAC encoder: " + av_error_text(rc)};

    AVFormatContext* raw = nullptr;
    rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str());
    if (rc < 0 || !raw) return Error{"cannot create the audio file: " + av_error_text(rc)};
    m_output.reset(raw);
    AVStream* stream = avformat_new_stream(raw, nullptr);
    if (!stream) return Error{"cannot add the audio stream"};
    avcodec_parameters_from_context(stream->codecpar, enc);
    stream->time_base = enc->time_base;
    auto avio = open_fd_avio(fd);
    if (!avio) return avio.error();
    m_avio = std::move(avio.value());
    attach_fd_avio(raw, m_avio.get());
    m_path = path;
    rc = avformat_write_header(raw, nullptr);
    if (rc < 0) return Error{path + ": cannot write: " + av_error_text(rc)};
    m_frame = make_frame();
    m_packet = make_packet();
    return {};
  }

  /// Encodes `frames` interleaved stereo samples (nullptr flushes).
  Expected<void> write(const float* interleaved, int frames) {
    AVFrame* frame = nullptr;
    if (interleaved) {
      av_frame_unref(m_frame.get());
      Expected<void> allocated = allocate_stereo_frame(m_frame.get(), frames, AV_SAMPLE_FMT_FLTP);
      if (!allocated) return allocated;
      auto* left = reinterpret_cast<float*>(m_frame->data[0]);
      auto* right = reinterpret_cast<float*>(m_frame->data[1]);
      for (int i = 0; i < frames; ++i) {
        left[i] = std::clamp(interleaved[2 * i], -1.0f, 1.0f);
        right[i] = std::clamp(interleaved[2 * i + 1], -1.0f, 1.0f);
      }
      m_frame->pts = m_next_pts;
      m_next_pts += frames;
      frame = m_frame.get();
    }
    int rc = avcodec_send_frame(m_encoder.get(), frame);
    if (rc < 0) return Error{"AAC encoding failed: " + av_error_text(rc)};
    for (;;) {
      rc = avcodec_receive_packet(m_encoder.get(), m_packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
      if (rc < 0) return Error{"AAC encoding failed: " + av_error_text(rc)};
      av_packet_rescale_ts(m_packet.get(), m_encoder->time_base, m_output->streams[0]->time_base);
      m_packet->stream_index = 0;
      rc = av_write_frame(m_output.get(), m_packet.get());
      av_packet_unref(m_packet.get());
      if (rc < 0) return Error{"cannot write audio: " + av_error_text(rc)};
    }
  }

  Expected<void> finish() {
    Expected<void> flushed = write(nullptr, 0);
    if (!flushed) return flushed;
    int rc = av_write_trailer(m_output.get());
    if (rc < 0) return Error{"cannot finish the audio file: " + av_error_text(rc)};
    Expected<void> written = flush_fd_avio(m_avio.get(), m_path);
    m_output.reset();
    return written;
  }

 private:
  CodecContextPtr m_encoder;
  std::string m_path;
  FdAvioPtr m_avio;  ///< outlives the muxer that writes through it
  OutputFormatPtr m_output;
  FramePtr m_frame;
  PacketPtr m_packet;
  int64_t m_next_pts = 0;
};

// The ducking gain of each sample of a block for `ducking`, from the voices
// near it (1 everywhere when none is).
void duck_block(const std::vector<ClipVoice>& voices, const std::optional<Ducking>& ducking, int64_t block_start,
                int frames, std::vector<float>* gains) {
  gains->assign(static_cast<size_t>(frames), 1.0f);
  if (!ducking) return;
  const double first = double(block_start) / k_audio_rate;
  const double last = double(block_start + frames) / k_audio_rate;
  std::vector<ClipVoice> near;
  for (const ClipVoice& v : voices)
    if (v.volume > 0 && v.start - ducking->attack <= last && v.end + ducking->release >= first) near.push_back(v);
  if (near.empty()) return;
  for (int i = 0; i < frames; ++i)
    (*gains)[i] = static_cast<float>(duck_gain(near, ducking->gain_db, ducking->attack, ducking->release,
                                               double(block_start + i) / k_audio_rate));
}

}  // namespace

bool has_sound(const Timeline& timeline, const std::vector<ClipVoice>& voices) {
  return !timeline.audio.empty() || !voices.empty();
}

namespace {

// Plays the whole mix once, from the start, handing each block of up to
// k_block frames (interleaved stereo float) to `sink`. Each call opens the
// tracks and clips afresh, so the mix can be played twice.
Expected<void> play_mix(const Timeline& timeline, const std::vector<double>& track_lengths,
                        const std::vector<ClipVoice>& voices, int64_t total, const std::atomic<bool>& cancel,
                        const std::function<Expected<void>(const float*, int)>& sink) {
  const double show_end = double(total) / k_audio_rate;
  const std::vector<TrackPlay> plays = schedule_tracks(timeline.audio, track_lengths, show_end);
  size_t next_play = 0;
  std::vector<PlayState> playing;

  std::vector<VoiceState> voice_states;
  for (const ClipVoice& voice : voices) {
    VoiceState v;
    v.voice = &voice;
    v.start = std::llround(voice.start * k_audio_rate);
    v.end = std::min<int64_t>(total, std::llround(voice.end * k_audio_rate));
    v.slide_end = std::llround(voice.slide_end * k_audio_rate);
    v.fade_in = std::llround(voice.fade_in * k_audio_rate);
    v.fade_out = std::llround(voice.fade_out * k_audio_rate);
    voice_states.push_back(std::move(v));
  }

  std::vector<float> mix(2 * k_block);
  std::vector<float> scratch, duck;
  for (int64_t at = 0; at < total; at += k_block) {
    if (cancel.load()) return Error{"audio encoding was interrupted"};
    const int frames = static_cast<int>(std::min<int64_t>(k_block, total - at));
    std::fill(mix.begin(), mix.end(), 0.0f);
    // A play's decoder opens when it starts and closes when it stops, so
    // only the tracks playing hold one.
    for (; next_play < plays.size() && std::llround(plays[next_play].start * k_audio_rate) < at + frames;
         ++next_play) {
      PlayState s;
      s.play = &plays[next_play];
      s.track = &timeline.audio[s.play->track];
      s.start = std::llround(s.play->start * k_audio_rate);
      s.stop = std::min<int64_t>(total, std::llround(s.play->end * k_audio_rate));
      if (s.stop <= s.start) continue;
      auto source = AudioSource::open(s.track->file);
      if (!source) return source.error();
      s.source = std::move(source.value());
      playing.push_back(std::move(s));
    }
    for (PlayState& s : playing) {
      duck_block(voices, s.track->duck, at, frames, &duck);
      Expected<void> mixed = mix_play(s, at, frames, show_end, mix.data(), scratch, duck.data());
      if (!mixed) return mixed.error();
    }
    std::erase_if(playing, [](const PlayState& s) { return s.finished; });
    // A clip's decoder opens when its sound starts and closes when it ends,
    // so only the clips playing hold one.
    for (VoiceState& v : voice_states) {
      if (v.finished || at + frames <= v.start) continue;
      if (!v.reader) {
        auto reader = ClipVoiceReader::open(*v.voice);
        if (!reader) return Error{v.voice->file + ": its sound: " + reader.error().message};
        v.reader = std::move(reader.value());
      }
      Expected<void> mixed = mix_voice(v, at, frames, mix.data(), scratch);
      if (!mixed) return mixed.error();
      if (v.finished) v.reader.reset();
    }
    Expected<void> handed = sink(mix.data(), frames);
    if (!handed) return handed;
  }
  return {};
}

}  // namespace

Expected<AudioResult> mix_and_encode_audio(const Timeline& timeline, const std::vector<double>& track_lengths,
                                           const std::vector<ClipVoice>& voices, double duration_s, const std::string& path,
                                           const std::atomic<bool>& cancel) {
  const auto started = std::chrono::steady_clock::now();
  const int64_t total = std::llround(duration_s * k_audio_rate);
  AudioResult result;

  // The audio lives in the work folder, under its recorded temporary name,
  // there from the first pass on (and removed if the work is cancelled).
  auto file = AtomicFile::create(path, own_temporary_path(path));
  if (!file) return file.error();
  AacWriter writer;
  Expected<void> opened = writer.open(file.value().fd(), file.value().temporary_path(), timeline.output.audio_bitrate);
  if (!opened) return opened.error();

  // The first pass measures the mix; the gain it gives (and the limiter,
  // where the gain would lift the true peak over its ceiling) shape the
  // second, which is encoded and measured again for the report.
  double gain_db = 0;
  std::optional<double> ceiling_db;
  std::optional<LoudnessMeter> after;
  if (timeline.audio_mix.loudness) {
    Expected<LoudnessMeter> before = LoudnessMeter::open();
    if (!before) return before.error();
    Expected<void> measured = play_mix(timeline, track_lengths, voices, total, cancel, [&](const float* block, int frames) {
      return before.value().add(block, frames);
    });
    if (!measured) return measured.error();
    LoudnessLevels levels;
    levels.before_lufs = before.value().integrated();
    levels.before_peak = before.value().true_peak();
    gain_db = loudness_gain_db(levels.before_lufs, *timeline.audio_mix.loudness);
    const double ceiling = limiter_ceiling_db(timeline.audio_mix.true_peak);
    if (levels.before_peak + gain_db > ceiling) ceiling_db = ceiling;
    levels.gain_db = gain_db;
    levels.limited = ceiling_db.has_value();
    result.loudness = levels;
    Expected<LoudnessMeter> meter = LoudnessMeter::open();
    if (!meter) return meter.error();
    after.emplace(std::move(meter.value()));
  }

  auto leveller = MixLeveller::open(gain_db, ceiling_db, k_block);
  if (!leveller) return leveller.error();
  std::vector<float> ready;
  auto hand_on = [&]() -> Expected<void> {
    for (size_t at = 0; at < ready.size(); at += 2 * k_block) {
      const int frames = static_cast<int>(std::min<size_t>(k_block, (ready.size() - at) / 2));
      if (after) {
        Expected<void> metered = after->add(ready.data() + at, frames);
        if (!metered) return metered;
      }
      Expected<void> written = writer.write(ready.data() + at, frames);
      if (!written) return written;
    }
    return {};
  };
  Expected<void> played = play_mix(timeline, track_lengths, voices, total, cancel, [&](const float* block, int frames) {
    Expected<void> pushed = leveller.value()->push(block, frames, &ready);
    return pushed ? hand_on() : pushed;
  });
  if (!played) return played.error();
  Expected<void> last = leveller.value()->finish(&ready);
  if (last) last = hand_on();
  if (!last) return last.error();
  Expected<void> finished = writer.finish();
  if (!finished) return finished.error();
  Expected<void> committed = file.value().commit(Replace::k_allowed);
  if (!committed) return committed.error();

  if (after) {
    result.loudness->after_lufs = after->integrated();
    result.loudness->after_peak = after->true_peak();
  }
  result.samples = total;
  std::error_code ec;
  result.bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  result.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace chunkreel
