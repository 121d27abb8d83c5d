// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/chunk_queue.h"

#include <algorithm>

namespace chunkreel {

ChunkQueue::ChunkQueue(std::vector<ScheduledChunk> chunks) {
  // Costliest first, so the longest chunk cannot become the tail; ties keep
  // show order.
  std::stable_sort(chunks.begin(), chunks.end(),
                   [](const ScheduledChunk& a, const ScheduledChunk& b) { return a.cost > b.cost; });
  m_ready.assign(chunks.begin(), chunks.end());
  m_total = static_cast<int>(chunks.size());
}

ScheduledChunk ChunkQueue::take() {
  ScheduledChunk next = m_ready.front();
  m_ready.pop_front();
  return next;
}

int ChunkQueue::largest_estimate() const {
  const auto largest = std::max_element(m_ready.begin(), m_ready.end(),
                                        [](const ScheduledChunk& a, const ScheduledChunk& b) {
                                          return a.estimated_peak_bytes < b.estimated_peak_bytes;
                                        });
  return largest == m_ready.end() ? -1 : largest->chunk;
}

void ChunkQueue::move_to_front(int chunk) {
  const auto it = std::find_if(m_ready.begin(), m_ready.end(),
                               [chunk](const ScheduledChunk& c) { return c.chunk == chunk; });
  if (it == m_ready.end()) return;
  const ScheduledChunk moved = *it;
  m_ready.erase(it);
  m_ready.push_front(moved);
}

void ChunkQueue::retry(const ScheduledChunk& chunk) { m_ready.push_front(chunk); }

}  // namespace chunkreel
