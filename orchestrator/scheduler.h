#pragma once
// The main loop, in ninja's shape: start chunk jobs while the runner has
// room, wait for one event, record it, and count failures against a retry
// budget. `ChunkQueue` is the plan as data (what runs next, what finished);
// `run_schedule` is the loop around a CommandRunner.

#include <atomic>
#include <deque>
#include <string>
#include <vector>

#include "orchestrator/command_runner.h"

namespace chunkreel {

struct ScheduledChunk {
  int chunk = 0;
  std::string job_path;
  double cost = 0;
  int64_t estimated_peak_bytes = 0;  ///< for memory admission
};

/// One chunk's history, as the report shows it.
struct ChunkRun {
  int chunk = 0;
  int attempts = 0;
  int slot = 0;
  double start_s = 0;  ///< of the successful attempt, since the schedule began
  double end_s = 0;
  bool reused = false;  ///< taken whole from an earlier run; no worker ran
  WorkerStats stats;
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

/// What the loop tells whoever watches (the status line, the report).
class ScheduleObserver {
 public:
  virtual ~ScheduleObserver() = default;
  virtual void chunk_started(const WorkerTask&) {}
  virtual void chunk_progress(int /*chunk*/, int64_t /*frames_done*/) {}
  virtual void chunk_finished(const ChunkRun&) {}
  virtual void chunk_failed(int /*chunk*/, int /*attempt*/, const std::string& /*why*/,
                            bool /*will_retry*/) {}
  /// Called about every 100 ms while workers run.
  virtual void tick(const CommandRunner&) {}
};

struct ScheduleOptions {
  int retries = 2;  ///< extra attempts per chunk after the first
  /// The sum of the running workers' estimated peaks stays under this
  /// (0: no limit). Estimates are scaled by the largest ratio of measured to
  /// estimated peak among finished chunks, so they learn from the run.
  int64_t memory_budget = 0;
};

/// One attempt at a chunk, successful or not (for the report's timeline).
struct AttemptRecord {
  int chunk = 0;
  int attempt = 1;
  int slot = 0;
  double start_s = 0;
  double end_s = 0;
  bool ok = false;
};

struct ScheduleResult {
  std::vector<ChunkRun> runs;  ///< finished chunks, in completion order
  std::vector<AttemptRecord> attempts;  ///< every attempt that ended
  bool interrupted = false;
  std::string failure;  ///< set when a chunk ran out of attempts
  int failed_chunk = -1;  ///< which one
  /// What estimates are multiplied by: 1 until a chunk finishes, then the
  /// largest measured / estimated peak so far plus a 10% margin.
  double estimate_correction = 1;
  int max_running = 0;             ///< most workers alive at once
};

ScheduleResult run_schedule(std::vector<ScheduledChunk> chunks, CommandRunner& runner,
                            const ScheduleOptions& options, ScheduleObserver& observer,
                            const std::atomic<bool>& interrupted);

}  // namespace chunkreel
