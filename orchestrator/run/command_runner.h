// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The runner interface the scheduler drives (ninja's CommandRunner): start a
// worker for a chunk job, wait for what happens next. The local runner spawns
// processes (worker_pool), the farm runner submits Slurm job arrays
// (slurm_runner); tests plug in a fake, so scheduling is tested without
// starting anything.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

struct WorkerTask {
  int chunk = 0;
  int attempt = 1;  ///< 1 for the first try
  int slot = 0;     ///< which of the capped places it occupies
  std::string job_path;
};

/// What a worker reported about itself when it finished.
struct WorkerStats {
  int64_t frames = 0;
  int64_t bytes = 0;
  double wall_s = 0;
  double cpu_s = 0;
  double kernel_s = 0;  ///< of cpu_s, the time in the kernel
  double startup_s = 0;
  /// The worker's CPU split (see worker/chunk_render.h); zero when the
  /// worker did not report one.
  double decode_cpu_s = 0;
  double clip_cpu_s = 0;
  double render_cpu_s = 0;
  double encode_cpu_s = 0;
  double other_cpu_s = 0;
  int64_t peak_rss_bytes = 0;
  int photos_loaded = 0;    ///< photos the worker decoded
  int pictures_shared = 0;  ///< slides it read from a neighbour's shared picture instead
  int64_t clip_frames_decoded = 0;  ///< clip frames it decoded, shown or not
  // On a farm only:
  std::string node;          ///< where it ran
  std::string slurm_job;     ///< JOBID_INDEX
  /// From its submission to its start, and from its start to its end, by
  /// Slurm's clock; -1 where Slurm did not say.
  double queue_wait_s = -1;
  double slurm_run_s = -1;
};

struct WorkerEvent {
  enum class Kind { k_progress, k_finished };
  Kind kind = Kind::k_progress;
  int chunk = 0;
  int64_t frames_done = 0;  ///< progress
  bool success = false;     ///< finished: exited 0 after reporting "done"
  /// finished: killed by SIGKILL, the kernel OOM killer's signal: the
  /// workers together did not fit this machine
  bool out_of_memory = false;
  /// finished, failed: lost through no fault of its own (a farm node that
  /// died, a preempted or requeued task); retried without counting against
  /// --retries, up to a bound
  bool lost = false;
  std::string failure;      ///< finished, failed: why, with the worker's last stderr lines
  WorkerStats stats;        ///< finished: success (on a farm, stats.node also on failure)
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  virtual bool can_run_more() const = 0;
  virtual Expected<void> start(const WorkerTask& task) = 0;
  /// Called after each round of start() calls. A runner whose engine takes
  /// many tasks at once (a Slurm job array) may only stage them in start()
  /// and submit them here, as one.
  virtual Expected<void> flush_starts() { return {}; }
  /// Waits up to `timeout` for the next event; false if none came.
  virtual bool wait(WorkerEvent* event, std::chrono::milliseconds timeout) = 0;
  virtual int running() const = 0;
  /// Stops every worker (their whole process groups) and reaps them.
  virtual void abort_all() = 0;
  /// Resident memory of each live worker, in bytes (empty if unknown).
  virtual std::vector<int64_t> live_rss_bytes() const { return {}; }
  /// A few words on what the engine is doing, for the status line
  /// ("tasks 3 pending, 2 running"); empty when there is nothing to add.
  virtual std::string status_text() const { return {}; }
};

}  // namespace chunkreel
