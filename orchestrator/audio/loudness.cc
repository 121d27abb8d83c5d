// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/loudness.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <ebur128.h>
#include <fmt/format.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
}

#include "common/filter_graph.h"
#include "orchestrator/audio/audio_source.h"

namespace chunkreel {

namespace {
constexpr double k_max_gain_db = 40;
// alimiter holds sample peaks; what AAC and the reconstruction between
// samples add stays well under this (measured by ffmpeg's ebur128 on the
// encoded file in tests/e2e/test_loudness.cc).
constexpr double k_ceiling_margin_db = 1.0;
}  // namespace

Expected<LoudnessMeter> LoudnessMeter::open() {
  ebur128_state* state = ebur128_init(2, k_audio_rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  if (!state) return Error{"cannot set up the loudness meter"};
  return LoudnessMeter(state);
}

LoudnessMeter::LoudnessMeter(LoudnessMeter&& other) noexcept : m_state(std::exchange(other.m_state, nullptr)) {}
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&& other) noexcept {
  std::swap(m_state, other.m_state);
  return *this;
}
LoudnessMeter::~LoudnessMeter() {
  if (m_state) ebur128_destroy(&m_state);
}

Expected<void> LoudnessMeter::add(const float* interleaved, int frames) {
  if (ebur128_add_frames_float(m_state, interleaved, static_cast<size_t>(frames)) != EBUR128_SUCCESS)
    return Error{"the loudness meter failed"};
  return {};
}

double LoudnessMeter::integrated() const {
  double lufs = -std::numeric_limits<double>::infinity();
  if (ebur128_loudness_global(m_state, &lufs) != EBUR128_SUCCESS) return -std::numeric_limits<double>::infinity();
  return lufs;
}

double LoudnessMeter::true_peak() const {
  double peak = 0;
  for (unsigned channel = 0; channel < 2; ++channel) {
    double p = 0;
    if (ebur128_true_peak(m_state, channel, &p) == EBUR128_SUCCESS) peak = std::max(peak, p);
  }
  return peak > 0 ? 20 * std::log10(peak) : -std::numeric_limits<double>::infinity();
}

double loudness_gain_db(double measured_lufs, double target_lufs) {
  if (!std::isfinite(measured_lufs)) return 0;
  return std::clamp(target_lufs - measured_lufs, -k_max_gain_db, k_max_gain_db);
}

double limiter_ceiling_db(double true_peak_db) { return true_peak_db - k_ceiling_margin_db; }

Expected<std::unique_ptr<MixLeveller>> MixLeveller::open(double gain_db, std::optional<double> ceiling_db, int block) {
  std::unique_ptr<MixLeveller> leveller(new MixLeveller());
  leveller->m_gain = std::pow(10.0, gain_db / 20);
  leveller->m_block = block;
  if (!ceiling_db) return leveller;
  leveller->m_graph.reset(avfilter_graph_alloc());
  if (!leveller->m_graph) return Error{"not enough memory for the limiter"};
  leveller->m_graph->nb_threads = 1;
  const std::string args =
      fmt::format("time_base=1/{0}:sample_rate={0}:sample_fmt=flt:channel_layout=stereo", k_audio_rate);
  // alimiter's limit is linear and at least 1/16 (-24 dB).
  const double limit = std::clamp(std::pow(10.0, *ceiling_db / 20), 0.0625, 1.0);
  const std::string chain = fmt::format(
      "aformat=sample_fmts=dbl,alimiter=limit={:.9g}:attack=5:release=50:level=0:latency=1,"
      "aformat=sample_fmts=flt:sample_rates={}:channel_layouts=stereo",
      limit, k_audio_rate);
  Expected<void> built = build_linear_graph(leveller->m_graph.get(), "abuffer", args, chain, "abuffersink",
                                            &leveller->m_in, &leveller->m_out);
  if (!built) return Error{"cannot set up the limiter: " + built.error().message};
  return leveller;
}

MixLeveller::~MixLeveller() = default;

Expected<void> MixLeveller::drain(std::vector<float>* ready) {
  if (m_graph) {
    FramePtr frame = make_frame();
    for (;;) {
      const int rc = av_buffersink_get_frame(m_out, frame.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
      if (rc < 0) return Error{"the limiter failed: " + av_error_text(rc)};
      const auto* samples = reinterpret_cast<const float*>(frame->data[0]);
      m_held.insert(m_held.end(), samples, samples + 2 * frame->nb_samples);
      av_frame_unref(frame.get());
    }
  }
  const size_t whole = m_held.size() / (2 * static_cast<size_t>(m_block)) * 2 * static_cast<size_t>(m_block);
  ready->assign(m_held.begin(), m_held.begin() + static_cast<ptrdiff_t>(whole));
  m_held.erase(m_held.begin(), m_held.begin() + static_cast<ptrdiff_t>(whole));
  return {};
}

Expected<void> MixLeveller::push(const float* interleaved, int frames, std::vector<float>* ready) {
  if (!m_graph) {
    for (int i = 0; i < 2 * frames; ++i) m_held.push_back(static_cast<float>(interleaved[i] * m_gain));
    return drain(ready);
  }
  FramePtr frame = make_frame();
  Expected<void> allocated = allocate_stereo_frame(frame.get(), frames, AV_SAMPLE_FMT_FLT);
  if (!allocated) return allocated;
  auto* samples = reinterpret_cast<float*>(frame->data[0]);
  for (int i = 0; i < 2 * frames; ++i) samples[i] = static_cast<float>(interleaved[i] * m_gain);
  frame->pts = m_pts;
  m_pts += frames;
  const int rc = av_buffersrc_add_frame(m_in, frame.get());
  if (rc < 0) return Error{"the limiter failed: " + av_error_text(rc)};
  return drain(ready);
}

Expected<void> MixLeveller::finish(std::vector<float>* ready) {
  if (m_graph) {
    const int rc = av_buffersrc_add_frame(m_in, nullptr);
    if (rc < 0) return Error{"the limiter failed: " + av_error_text(rc)};
  }
  Expected<void> drained = drain(ready);
  if (!drained) return drained;
  ready->insert(ready->end(), m_held.begin(), m_held.end());
  m_held.clear();
  return {};
}

}  // namespace chunkreel
