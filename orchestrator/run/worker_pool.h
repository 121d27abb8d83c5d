// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The real CommandRunner: `chunkreel-worker JOB.json` processes spawned with
// Boost.Process. Each worker gets its own process group (so a terminal's
// Ctrl-C reaches the orchestrator, which then stops them) and a parent-death
// signal (so no worker outlives an orchestrator that was killed hard). Their
// stdout carries JSON progress lines; the tail of their stderr is kept for
// error messages.

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/run/command_runner.h"

namespace chunkreel {

/// What poll(2) is given for `left` until a wait's deadline: whole
/// milliseconds rounded up. Rounded down, the last fraction of a
/// millisecond became poll(0) calls in a loop until the deadline passed:
/// about fifteen wasted calls each time a wait ran out.
int poll_timeout_ms(std::chrono::steady_clock::duration left);

class WorkerPool : public CommandRunner {
 public:
  /// A worker silent (no progress line) for `stall_timeout` is killed, and
  /// its chunk fails like any other (and is retried).
  /// With `nice`, workers run at nice 10 in the idle I/O class, so the
  /// machine stays usable.
  WorkerPool(std::string worker_path, int capacity,
             std::chrono::milliseconds stall_timeout = std::chrono::seconds(120),
             bool nice = false);
  ~WorkerPool() override;

  bool can_run_more() const override;
  Expected<void> start(const WorkerTask& task) override;
  bool wait(WorkerEvent* event, std::chrono::milliseconds timeout) override;
  int running() const override;
  void abort_all() override;
  std::vector<int64_t> live_rss_bytes() const override;

 private:
  struct Worker;
  void read_output(Worker& worker, bool is_stderr);
  void reap_finished();

  std::string m_worker_path;
  int m_capacity;
  std::chrono::milliseconds m_stall_timeout;
  bool m_nice;
  std::vector<std::unique_ptr<Worker>> m_workers;
  std::deque<WorkerEvent> m_events;
};

/// The worker executable: beside the running program, else in
/// libexec/chunkreel/ of the prefix it was installed to.
std::string worker_executable_path();

}  // namespace chunkreel
