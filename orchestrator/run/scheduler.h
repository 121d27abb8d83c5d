// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The main loop, in ninja's shape: start chunk jobs while the runner has
// room, wait for one event, record it, and count failures against a retry
// budget. `ChunkQueue` (chunk_queue.h) is the plan as data; `run_schedule` is
// the loop around a CommandRunner.

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/run/chunk_queue.h"
#include "orchestrator/run/command_runner.h"

namespace chunkreel {

/// One chunk's history, as the report shows it.
struct ChunkRun {
  int chunk = 0;
  int attempts = 0;
  int slot = 0;
  double start_s = 0;  ///< of the successful attempt, since the schedule began
  double end_s = 0;
  bool reused = false;  ///< taken whole from an earlier run; no worker ran
  int64_t estimated_peak_bytes = 0;  ///< the estimate its successful attempt was admitted with
  WorkerStats stats;
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

/// Tells several observers, in order.
class ObserverList : public ScheduleObserver {
 public:
  explicit ObserverList(std::vector<ScheduleObserver*> observers) : m_observers(std::move(observers)) {}
  void chunk_started(const WorkerTask& task) override {
    for (ScheduleObserver* o : m_observers) o->chunk_started(task);
  }
  void chunk_progress(int chunk, int64_t frames_done) override {
    for (ScheduleObserver* o : m_observers) o->chunk_progress(chunk, frames_done);
  }
  void chunk_finished(const ChunkRun& run) override {
    for (ScheduleObserver* o : m_observers) o->chunk_finished(run);
  }
  void chunk_failed(int chunk, int attempt, const std::string& why, bool will_retry) override {
    for (ScheduleObserver* o : m_observers) o->chunk_failed(chunk, attempt, why, will_retry);
  }
  void tick(const CommandRunner& runner) override {
    for (ScheduleObserver* o : m_observers) o->tick(runner);
  }

 private:
  std::vector<ScheduleObserver*> m_observers;
};

struct ScheduleOptions {
  int retries = 2;  ///< extra attempts per chunk after the first
  /// The sum of the running workers' estimated peaks stays under this
  /// (0: no limit). Estimates are scaled by the largest ratio of measured to
  /// estimated peak among finished chunks, so they learn from the run.
  int64_t memory_budget = 0;
  /// The budget is below the largest estimate, or too close above it for
  /// the estimate to show that it holds: the chunk with the largest
  /// estimate runs alone first, its resident memory sampled every 10 ms.
  /// If it goes past the budget it is stopped; if its measured peak is above
  /// the budget (a spike between samples), nothing more starts. Either way
  /// the result says which budget would work. (Any chunk that starts alone
  /// with a corrected estimate past the budget is watched the same way,
  /// with or without this.)
  bool measure_first = false;
  /// The budget was the user's: a lone chunk is held to it as above. A
  /// budget the plan set from the machine's free memory only orders
  /// admission: no plan could run a chunk with less than alone, so a lone
  /// chunk is never stopped or refused for it and runs to its end.
  bool budget_given = true;
  /// When set, a chunk's estimated peak is asked for again just before it
  /// is admitted, since what a worker will hold can depend on what earlier
  /// workers left behind (a shared picture to read instead of a photo to
  /// decode). Admission, the learned correction and ChunkRun use it.
  std::function<int64_t(int chunk)> estimate_at_start;
  /// What estimates are multiplied by until a chunk of this run has
  /// finished and been measured: the room an estimate not yet checked
  /// against a peak needs (the plan's k_estimate_error, plus one).
  double unmeasured_correction = 1;
};

/// One attempt at a chunk, successful or not (for the report's timeline).
struct AttemptRecord {
  int chunk = 0;
  int attempt = 1;
  int slot = 0;
  double start_s = 0;
  double end_s = 0;
  bool ok = false;
  std::string node;  ///< on a farm: where it ran (when known)
};

struct ScheduleResult {
  std::vector<ChunkRun> runs;  ///< finished chunks, in completion order
  std::vector<AttemptRecord> attempts;  ///< every attempt that ended
  bool interrupted = false;
  std::string failure;  ///< set when a chunk ran out of attempts
  int failed_chunk = -1;  ///< which one
  /// What estimates are multiplied by: unmeasured_correction until a chunk
  /// finishes, then the largest measured / estimated peak so far plus a
  /// 10% margin.
  double estimate_correction = 1;
  int max_running = 0;             ///< most workers alive at once
  /// measure_first only, when the budget cannot hold one worker: the
  /// smallest budget that held the chunk (budget_measured: its measured
  /// peak, the chunk is finished), or, when the worker went past the budget
  /// and was stopped, the larger of its estimate and what it had reached.
  int64_t budget_needed = 0;
  bool budget_measured = false;
  int budget_passed_chunk = -1;  ///< the chunk stopped for going past it
};

ScheduleResult run_schedule(std::vector<ScheduledChunk> chunks, CommandRunner& runner,
                            const ScheduleOptions& options, ScheduleObserver& observer,
                            const std::atomic<bool>& interrupted);

}  // namespace chunkreel
