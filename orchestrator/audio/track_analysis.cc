// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/track_analysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

#include <aubio/aubio.h>

#include "orchestrator/audio/audio_source.h"

namespace chunkreel {
namespace {

constexpr int k_window = 1024;
constexpr int k_hop = 256;  // 5.3 ms at 48 kHz: a 512 hop left beats 60 ms off
// How far an onset may be from a predicted beat to stand for it: less
// than half the spacing of sixteenth notes at 140 BPM (107 ms).
constexpr double k_onset_window = 0.05;
// Below this average confidence a track has no beat to follow (speech
// and pads score about 0.1, ambient game music 0.13 to 0.44, generated
// drum patterns and beat-driven music 0.5 and more).
constexpr double k_min_confidence = 0.4;
// The share of the tracker's beats that must land on onsets.
constexpr double k_min_on_onsets = 0.5;
constexpr size_t k_min_beats = 4;
// An onset this much louder, this near, takes a beat from a weak one.
constexpr double k_stronger = 2.0;
constexpr double k_neighbour_window = 0.4;

struct TempoDeleter {
  void operator()(aubio_tempo_t* t) const { del_aubio_tempo(t); }
};
struct OnsetDeleter {
  void operator()(aubio_onset_t* o) const { del_aubio_onset(o); }
};
struct VectorDeleter {
  void operator()(fvec_t* v) const { del_fvec(v); }
};
using TempoPtr = std::unique_ptr<aubio_tempo_t, TempoDeleter>;
using OnsetPtr = std::unique_ptr<aubio_onset_t, OnsetDeleter>;
using VectorPtr = std::unique_ptr<fvec_t, VectorDeleter>;

// aubio's beat tracker and onset detector fed the same hops.
class BeatFinder {
 public:
  static Expected<BeatFinder> open() {
    BeatFinder f;
    f.m_tempo.reset(new_aubio_tempo("default", k_window, k_hop, k_audio_rate));
    f.m_onset.reset(new_aubio_onset("default", k_window, k_hop, k_audio_rate));
    f.m_hop.reset(new_fvec(k_hop));
    f.m_tempo_out.reset(new_fvec(2));
    f.m_onset_out.reset(new_fvec(1));
    if (!f.m_tempo || !f.m_onset || !f.m_hop || !f.m_tempo_out || !f.m_onset_out)
      return Error{"cannot start aubio's beat tracker"};
    return f;
  }

  /// Takes interleaved stereo samples, any number at a time.
  void add(const float* stereo, int frames) {
    for (int i = 0; i < frames; ++i) {
      m_hop->data[m_filled++] = 0.5f * (stereo[2 * i] + stereo[2 * i + 1]);
      if (m_filled == k_hop) step();
    }
  }

  TrackBeats finish() const {
    TrackBeats beats;
    size_t on_onsets = 0;
    for (double predicted : m_predicted) {
      // The nearest onset, found by bisection in the ascending onsets.
      auto after = std::lower_bound(m_onsets.begin(), m_onsets.end(), predicted);
      auto best = m_onsets.end();
      double distance = k_onset_window;
      if (after != m_onsets.end() && *after - predicted <= distance) best = after, distance = *after - predicted;
      if (after != m_onsets.begin() && predicted - *(after - 1) <= distance) best = after - 1;
      if (best == m_onsets.end()) continue;
      ++on_onsets;
      // A tracker out of phase sits on the weak onsets between beats (the
      // hi-hat between two kicks): a neighbouring onset far stronger is
      // the beat.
      const double strength = strength_at(*best);
      auto chosen = best;
      double chosen_distance = 1e9;
      for (auto neighbour : {best - 1, best + 1}) {
        if (neighbour < m_onsets.begin() || neighbour >= m_onsets.end()) continue;
        if (std::abs(*neighbour - *best) > k_neighbour_window || strength_at(*neighbour) <= k_stronger * strength)
          continue;
        if (std::abs(*neighbour - predicted) < chosen_distance) chosen = neighbour, chosen_distance = std::abs(*neighbour - predicted);
      }
      if (beats.times.empty() || *chosen > beats.times.back()) beats.times.push_back(*chosen);
    }
    if (!m_predicted.empty()) beats.confidence = m_confidence_sum / double(m_predicted.size());
    if (!std::isfinite(beats.confidence)) beats.confidence = 0;
    const bool steady = beats.confidence >= k_min_confidence && beats.times.size() >= k_min_beats &&
                        double(on_onsets) >= k_min_on_onsets * double(m_predicted.size());
    if (!steady) return TrackBeats{false, {}, 0, beats.confidence};
    std::vector<double> spacing;
    for (size_t i = 1; i < beats.times.size(); ++i) spacing.push_back(beats.times[i] - beats.times[i - 1]);
    std::nth_element(spacing.begin(), spacing.begin() + spacing.size() / 2, spacing.end());
    beats.tempo_bpm = 60.0 / spacing[spacing.size() / 2];
    beats.found = true;
    return beats;
  }

 private:
  // How loud the sound is just after show time `t`: the loudest hop's RMS
  // from two hops before it to eight after (-11 ms to +43 ms).
  float strength_at(double t) const {
    const double hop = t * k_audio_rate / k_hop;
    const size_t first = static_cast<size_t>(std::max(0.0, hop - 2));
    const size_t last = std::min(m_hop_rms.size(), static_cast<size_t>(std::max(0.0, hop + 8)));
    float loudest = 0;
    for (size_t i = first; i < last; ++i) loudest = std::max(loudest, m_hop_rms[i]);
    return loudest;
  }

  void step() {
    m_filled = 0;
    double energy = 0;
    for (int i = 0; i < k_hop; ++i) energy += double(m_hop->data[i]) * m_hop->data[i];
    m_hop_rms.push_back(static_cast<float>(std::sqrt(energy / k_hop)));
    aubio_tempo_do(m_tempo.get(), m_hop.get(), m_tempo_out.get());
    // A beat is reported by the time of the last one changing: the tracker
    // zeroes its output flag on a beat whose fraction of a hop is 0.
    const uint_t last = aubio_tempo_get_last(m_tempo.get());
    if (last != m_last_beat) {
      m_last_beat = last;
      m_predicted.push_back(aubio_tempo_get_last_s(m_tempo.get()));
      m_confidence_sum += aubio_tempo_get_confidence(m_tempo.get());
    }
    aubio_onset_do(m_onset.get(), m_hop.get(), m_onset_out.get());
    if (m_onset_out->data[0] != 0) {
      const double onset = aubio_onset_get_last_s(m_onset.get());
      if (m_onsets.empty() || onset > m_onsets.back()) m_onsets.push_back(onset);
    }
  }

  TempoPtr m_tempo;
  OnsetPtr m_onset;
  VectorPtr m_hop, m_tempo_out, m_onset_out;
  uint_t m_filled = 0;
  uint_t m_last_beat = 0;
  std::vector<double> m_predicted, m_onsets;
  std::vector<float> m_hop_rms;  ///< one a hop: 2.7 MB for an hour
  double m_confidence_sum = 0;
};

}  // namespace

Expected<TrackAnalysis> analyse_track(const std::string& path, bool find_beats, const std::atomic<bool>& cancel) {
  const auto started = std::chrono::steady_clock::now();
  auto source = AudioSource::open(path);
  if (!source) return source.error();
  std::optional<BeatFinder> finder;
  if (find_beats) {
    Expected<BeatFinder> opened = BeatFinder::open();
    if (!opened) return opened.error();
    finder.emplace(std::move(opened.value()));
  }
  constexpr int k_block = 4096;
  std::vector<float> block(2 * k_block);
  int64_t samples = 0;
  for (;;) {
    if (cancel.load()) return Error{"interrupted"};
    auto got = source.value()->read(block.data(), k_block);
    if (!got) return got.error();
    if (finder) finder->add(block.data(), got.value());
    samples += got.value();
    if (got.value() < k_block) break;
  }
  if (samples == 0) return Error{path + ": holds no audio samples"};
  TrackAnalysis analysis;
  analysis.length = double(samples) / k_audio_rate;
  if (finder) analysis.beats = finder->finish();
  analysis.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return analysis;
}

}  // namespace chunkreel
