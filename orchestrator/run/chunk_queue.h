// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The plan as data (ninja's Plan): which chunk runs next and how many have
// finished. No I/O.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace chunkreel {

struct ScheduledChunk {
  int chunk = 0;
  std::string job_path;
  double cost = 0;
  int64_t estimated_peak_bytes = 0;  ///< for memory admission
};

/// Ready queue in longest-processing-time order, with retries.
class ChunkQueue {
 public:
  explicit ChunkQueue(std::vector<ScheduledChunk> chunks);

  bool has_ready() const { return !m_ready.empty(); }
  /// The chunk take() would return.
  const ScheduledChunk& peek() const { return m_ready.front(); }
  /// Takes the costliest ready chunk.
  ScheduledChunk take();
  /// Replaces the estimate of the chunk peek() returns.
  void set_next_estimate(int64_t bytes) { m_ready.front().estimated_peak_bytes = bytes; }
  /// The ready chunk with the largest estimated peak.
  int largest_estimate() const;
  /// Moves a ready chunk to the front, so take() returns it next.
  void move_to_front(int chunk);
  /// Puts a failed chunk back at the front: a retry.
  void retry(const ScheduledChunk& chunk);
  bool all_finished() const { return m_finished == m_total; }
  void finished() { ++m_finished; }
  int total() const { return m_total; }

 private:
  std::deque<ScheduledChunk> m_ready;
  int m_total = 0;
  int m_finished = 0;
};

}  // namespace chunkreel
