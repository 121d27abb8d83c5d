// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/memory_sampler.h"

#include <numeric>

namespace chunkreel {

void MemorySampler::tick(const CommandRunner& runner) {
  const std::vector<int64_t> sizes = runner.live_rss_bytes();
  m_now = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  m_peak = std::max(m_peak, m_now);
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_began).count();
  m_curve.push_back({t, m_now});
}

}  // namespace chunkreel
