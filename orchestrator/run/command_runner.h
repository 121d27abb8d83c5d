#pragma once
// The runner interface the scheduler drives (ninja's CommandRunner): start a
// worker for a chunk job, wait for what happens next. The real runner spawns
// processes (worker_pool); tests plug in a fake, so scheduling is tested
// without starting anything.

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
  double startup_s = 0;
  int64_t peak_rss_bytes = 0;
};

struct WorkerEvent {
  enum class Kind { k_progress, k_finished };
  Kind kind = Kind::k_progress;
  int chunk = 0;
  int64_t frames_done = 0;  ///< progress
  bool success = false;     ///< finished: exited 0 after reporting "done"
  bool out_of_memory = false;  ///< finished: killed by SIGKILL (the OOM killer's signal)
  std::string failure;      ///< finished, failed: why, with the worker's last stderr lines
  WorkerStats stats;        ///< finished, success
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  virtual bool can_run_more() const = 0;
  virtual Expected<void> start(const WorkerTask& task) = 0;
  /// Waits up to `timeout` for the next event; false if none came.
  virtual bool wait(WorkerEvent* event, std::chrono::milliseconds timeout) = 0;
  virtual int running() const = 0;
  /// Stops every worker (their whole process groups) and reaps them.
  virtual void abort_all() = 0;
  /// Resident memory of each live worker, in bytes (empty if unknown).
  virtual std::vector<int64_t> live_rss_bytes() const { return {}; }
};

}  // namespace chunkreel
