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

void ChunkQueue::retry(const ScheduledChunk& chunk) { m_ready.push_front(chunk); }

}  // namespace chunkreel
