// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The workers' resident memory over a run, sampled from the runner about
// every 100 ms: the curve the report draws and the largest sum seen.

#include <chrono>
#include <cstdint>
#include <vector>

#include "orchestrator/run/scheduler.h"

namespace chunkreel {

/// One point of the memory curve.
struct MemorySample {
  double t_s = 0;      ///< since the sampler was made
  int64_t bytes = 0;   ///< the live workers' resident memory together
};

class MemorySampler : public ScheduleObserver {
 public:
  MemorySampler() : m_began(std::chrono::steady_clock::now()) {}

  void tick(const CommandRunner& runner) override;

  int64_t now_bytes() const { return m_now; }
  int64_t peak_bytes() const { return m_peak; }
  const std::vector<MemorySample>& curve() const { return m_curve; }

 private:
  std::chrono::steady_clock::time_point m_began;
  int64_t m_now = 0;
  int64_t m_peak = 0;
  std::vector<MemorySample> m_curve;
};

}  // namespace chunkreel
