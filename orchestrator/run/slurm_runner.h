// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The farm CommandRunner: chunk jobs run as the tasks of Slurm job arrays.
//
// start() only stages a task; flush_starts() submits the staged tasks as one
// array (one per memory request), whose task i runs chunk i's job, so a
// retry resubmits just the failed indices. Tasks are followed by polling:
// each task's stdout file (Slurm's own output file, in the work folder on
// the shared filesystem) carries the worker's JSON lines, led by the node
// it runs on, and `squeue -t all` says when a task has ended and how. A task
// that ended without the worker's "done" line failed; if Slurm killed it
// for memory, its next attempt asks for twice as much. abort_all() cancels
// every array this runner submitted and waits until none of their tasks is
// left pending or running.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/run/command_runner.h"
#include "orchestrator/run/slurm_commands.h"

namespace chunkreel {

struct SlurmRunnerOptions {
  SlurmSettings settings;
  std::string work_dir;   ///< chunkreel's own folder, on a filesystem the nodes share
  std::string script;     ///< the task script (slurm_task_script), in the work folder
  std::string job_name;
  int cpus_per_task = 1;
  std::map<int, int64_t> estimated_peak_bytes;  ///< by chunk
  /// Records a file the tasks will make in the work folder (WorkFolder::claim).
  std::function<void(const std::string& name)> record_file;
};

class SlurmRunner : public CommandRunner {
 public:
  explicit SlurmRunner(SlurmRunnerOptions options);
  ~SlurmRunner() override;

  bool can_run_more() const override { return true; }  // the array's %K throttles
  Expected<void> start(const WorkerTask& task) override;
  Expected<void> flush_starts() override;
  bool wait(WorkerEvent* event, std::chrono::milliseconds timeout) override;
  int running() const override { return static_cast<int>(m_tasks.size() + m_staged.size()); }
  void abort_all() override;
  std::string status_text() const override;

  /// The arrays submitted so far, oldest first.
  const std::vector<std::string>& array_ids() const { return m_array_ids; }
  /// When each array was submitted, in seconds since the epoch.
  const std::map<std::string, double>& submitted_at() const { return m_submitted_at; }
  /// The memory each submitted chunk asked for last, in MiB.
  const std::map<int, int64_t>& asked_mem_mib() const { return m_asked_mib; }
  /// Makes the next request for `chunk` ask for `mib`.
  void raise_memory(int chunk, int64_t mib) { m_mem_mib[chunk] = mib; }
  /// The sbatch lines flush_starts() would run for `tasks` (nothing is submitted).
  std::vector<std::vector<std::string>> sbatch_lines(const std::vector<WorkerTask>& tasks) const;

 private:
  struct Task;
  int64_t mem_mib_for(int chunk) const;
  std::vector<ArraySubmission> arrays_for(const std::vector<WorkerTask>& tasks) const;
  void poll();
  void read_output(Task& task);
  void finish(Task& task, bool success, const std::string& why);

  SlurmRunnerOptions m_options;
  std::vector<WorkerTask> m_staged;
  std::map<int, Task> m_tasks;  ///< by chunk: submitted, not yet ended
  std::map<int, int64_t> m_mem_mib;  ///< by chunk: raised after a memory kill
  std::map<int, int64_t> m_asked_mib;  ///< by chunk: the last request
  std::map<std::string, double> m_submitted_at;  ///< by array
  std::vector<std::string> m_array_ids;
  std::deque<WorkerEvent> m_events;
  std::chrono::steady_clock::time_point m_last_poll;
  int m_done = 0;
};

/// What a finished task of `chunk` in array `array_id` reported in its
/// output file in `work_dir`: its stats with node and job, or nothing when
/// it did not finish. Queue wait is counted from `submitted_at`.
std::optional<WorkerStats> finished_task_stats(const std::string& work_dir, const std::string& array_id, int chunk,
                                               double submitted_at);

/// True when the task of `chunk` in array `array_id` was killed by Slurm for
/// passing its memory limit, as its stderr file in `work_dir` says.
bool task_killed_for_memory(const std::string& work_dir, const std::string& array_id, int chunk);

/// The script every task runs: it names its node and start time, then runs
/// `worker` on the job of chunk $SLURM_ARRAY_TASK_ID in `work_dir`.
std::string slurm_task_script(const std::string& worker, const std::string& work_dir);

}  // namespace chunkreel
