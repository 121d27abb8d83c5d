// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/clip_voice.h"

#include "common/filter_graph.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

namespace chunkreel {
namespace {

constexpr int k_block = 1024;

// atempo takes 0.5 to 100 in one step; slower speeds chain steps of 0.5.
std::string tempo_chain(double speed) {
  std::string chain;
  while (speed < 0.5) {
    chain += "atempo=0.5,";
    speed /= 0.5;
  }
  return chain + fmt::format("atempo={:.9g}", speed);
}

}  // namespace

Expected<std::unique_ptr<ClipVoiceReader>> ClipVoiceReader::open(const ClipVoice& voice) {
  auto reader = std::unique_ptr<ClipVoiceReader>(new ClipVoiceReader);
  auto source = AudioSource::open(voice.file);
  if (!source) return source.error();
  reader->m_source = std::move(source.value());
  // The sound at clip time `in` is `in - audio_offset` into the file's
  // audio: skip that much, or play silence first when it starts later.
  const int64_t skip = std::llround((voice.in - voice.audio_offset) * k_audio_rate);
  if (skip < 0) reader->m_silence = -skip;
  std::vector<float> scratch(2 * k_block);
  for (int64_t left = skip; left > 0;) {
    const int want = static_cast<int>(std::min<int64_t>(left, k_block));
    auto got = reader->m_source->read(scratch.data(), want);
    if (!got) return got.error();
    if (got.value() < want) {
      reader->m_source_done = true;
      break;
    }
    left -= want;
  }
  // Stretching at any speed but 1: the silence before the sound is
  // stretched with it, so it is counted in show time.
  reader->m_silence = std::llround(reader->m_silence / voice.speed);
  if (voice.speed != 1) {
    reader->m_graph.reset(avfilter_graph_alloc());
    AVFilterGraph* graph = reader->m_graph.get();
    graph->nb_threads = 1;
    const std::string args =
        fmt::format("time_base=1/{0}:sample_rate={0}:sample_fmt=flt:channel_layout=stereo", k_audio_rate);
    // Back to interleaved float stereo at 48 kHz, whatever atempo hands on.
    const std::string chain =
        tempo_chain(voice.speed) + fmt::format(",aformat=sample_fmts=flt:sample_rates={}:channel_layouts=stereo",
                                               k_audio_rate);
    Expected<void> built =
        build_linear_graph(graph, "abuffer", args, chain, "abuffersink", &reader->m_tempo_in, &reader->m_tempo_out);
    if (!built) return Error{voice.file + ": cannot set up the tempo change: " + built.error().message};
  }
  return reader;
}

ClipVoiceReader::~ClipVoiceReader() = default;

Expected<int> ClipVoiceReader::read_source(float* out, int frames) {
  if (m_source_done) return 0;
  auto got = m_source->read(out, frames);
  if (!got) return got.error();
  if (got.value() < frames) m_source_done = true;
  return got.value();
}

Expected<void> ClipVoiceReader::push_to_tempo(int frames) {
  FramePtr frame = make_frame();
  Expected<void> allocated = allocate_stereo_frame(frame.get(), frames, AV_SAMPLE_FMT_FLT);
  if (!allocated) return allocated;
  auto got = read_source(reinterpret_cast<float*>(frame->data[0]), frames);
  if (!got) return got.error();
  int rc = 0;
  if (got.value() > 0) {
    frame->nb_samples = got.value();
    frame->pts = m_pts;
    m_pts += got.value();
    rc = av_buffersrc_add_frame(m_tempo_in, frame.get());
  }
  if (rc >= 0 && m_source_done) rc = av_buffersrc_add_frame(m_tempo_in, nullptr);
  if (rc < 0) return Error{"the tempo change failed: " + av_error_text(rc)};
  return {};
}

Expected<int> ClipVoiceReader::read(float* out, int frames) {
  int done = 0;
  const int silent = static_cast<int>(std::min<int64_t>(m_silence, frames));
  std::fill(out, out + 2 * silent, 0.0f);
  m_silence -= silent;
  done += silent;
  if (!m_graph) {
    auto got = read_source(out + 2 * done, frames - done);
    if (!got) return got.error();
    return done + got.value();
  }
  FramePtr stretched = make_frame();
  while (done < frames) {
    if (m_pending_pos < m_pending.size()) {
      const size_t take = std::min<size_t>((m_pending.size() - m_pending_pos) / 2, size_t(frames - done));
      std::copy_n(m_pending.begin() + static_cast<ptrdiff_t>(m_pending_pos), take * 2, out + 2 * done);
      m_pending_pos += take * 2;
      done += static_cast<int>(take);
      continue;
    }
    m_pending.clear();
    m_pending_pos = 0;
    if (m_tempo_done) break;
    int rc = av_buffersink_get_frame(m_tempo_out, stretched.get());
    if (rc == AVERROR(EAGAIN)) {
      Expected<void> pushed = push_to_tempo(k_block);
      if (!pushed) return pushed.error();
      continue;
    }
    if (rc == AVERROR_EOF) {
      m_tempo_done = true;
      continue;
    }
    if (rc < 0) return Error{"the tempo change failed: " + av_error_text(rc)};
    const auto* samples = reinterpret_cast<const float*>(stretched->data[0]);
    m_pending.assign(samples, samples + 2 * stretched->nb_samples);
    av_frame_unref(stretched.get());
  }
  return done;
}

double duck_gain(const std::vector<ClipVoice>& voices, double gain_db, double attack, double release, double t) {
  double db = 0;
  for (const ClipVoice& v : voices) {
    if (v.volume <= 0) continue;
    double depth = 0;  // 0 (not ducked) to 1 (fully)
    if (t >= v.start && t <= v.end) depth = 1;
    else if (t < v.start && t >= v.start - attack) depth = attack > 0 ? 1 - (v.start - t) / attack : 1;
    else if (t > v.end && t <= v.end + release) depth = release > 0 ? 1 - (t - v.end) / release : 0;
    db = std::min(db, gain_db * depth);
  }
  return std::pow(10.0, db / 20.0);
}

}  // namespace chunkreel
