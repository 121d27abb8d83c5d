// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Bringing the whole soundtrack to a loudness target, as the audio stage
// does in two passes over the mix: the first measures its integrated
// loudness and true peak (EBU R128, libebur128); the second scales it by
// the difference from the target and, where that gain would lift the true
// peak over its ceiling, passes it through libavfilter's look-ahead limiter
// (alimiter, delay compensated, its own level control off).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ebur128.h>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

/// Integrated loudness and true peak of 48 kHz interleaved stereo float.
class LoudnessMeter {
 public:
  static Expected<LoudnessMeter> open();
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;
  ~LoudnessMeter();

  Expected<void> add(const float* interleaved, int frames);
  /// LUFS; -inf for silence.
  double integrated() const;
  /// dBTP, the louder channel's; -inf for silence.
  double true_peak() const;

 private:
  explicit LoudnessMeter(ebur128_state* state) : m_state(state) {}
  ebur128_state* m_state = nullptr;
};

/// What the loudness stage found and did, for the report.
struct LoudnessLevels {
  double before_lufs = 0;    ///< the mix as made
  double before_peak = 0;    ///< dBTP
  double gain_db = 0;        ///< applied to the whole mix
  bool limited = false;      ///< the limiter ran
  double after_lufs = 0;     ///< what was encoded (before AAC)
  double after_peak = 0;
};

/// The gain that brings `measured_lufs` to `target_lufs`, within ±40 dB
/// (0 for silence).
double loudness_gain_db(double measured_lufs, double target_lufs);

/// The true-peak ceiling handed to the limiter: the target's, less a margin
/// for the peaks the limiter (a sample-peak one) and AAC can still add
/// between samples.
double limiter_ceiling_db(double true_peak_db);

/// Gain and, when asked, the limiter, on interleaved stereo float, handing
/// on blocks of `block` frames (the last one shorter) with nothing delayed
/// or dropped: out has as many samples as in.
class MixLeveller {
 public:
  /// `ceiling_db`: the limiter's ceiling; none when no limiter is needed.
  static Expected<std::unique_ptr<MixLeveller>> open(double gain_db, std::optional<double> ceiling_db, int block);
  ~MixLeveller();

  /// Takes `frames` frames; returns the full blocks ready, in `ready`.
  Expected<void> push(const float* interleaved, int frames, std::vector<float>* ready);
  /// Everything still held (the last, short block among it).
  Expected<void> finish(std::vector<float>* ready);

 private:
  MixLeveller() = default;
  Expected<void> drain(std::vector<float>* ready);
  double m_gain = 1;
  int m_block = 1024;
  FilterGraphPtr m_graph;
  AVFilterContext* m_in = nullptr;
  AVFilterContext* m_out = nullptr;
  int64_t m_pts = 0;
  std::vector<float> m_held;  ///< frames not yet handed on, interleaved
};

}  // namespace chunkreel
