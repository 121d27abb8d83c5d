// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The farm CommandRunner: chunk jobs run as the tasks of Slurm job arrays.
//
// start() only stages a task; flush_starts() submits the staged tasks as
// job arrays (one per memory request, split where MaxArraySize says), each
// with a manifest in the work folder that maps its task i to a chunk, so a
// retry resubmits just the failed chunks. Tasks are followed politely: the
// tasks' own output files (Slurm's, in the work folder on the shared
// filesystem) carry the worker's JSON lines, led by the node it runs on,
// and squeue, for this render's arrays only, is asked at an interval that
// grows with the render (squeue_interval_s). A task ends when squeue says
// so; it succeeded when its output has the worker's "done" line. Its queue
// wait and run time are Slurm's own (submit, start and end times, by the
// controller's clock). A task that Slurm killed for memory is retried
// asking for twice as much; one whose node was lost, or that was preempted
// or requeued, is cancelled and reported as lost, to be resubmitted at
// once. abort_all() cancels every array and waits until none of their tasks
// is pending or running, however long that takes, unless told to stop.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/run/command_runner.h"
#include "orchestrator/run/slurm_client.h"
#include "orchestrator/run/slurm_commands.h"

namespace chunkreel {

struct SlurmRunnerOptions {
  SlurmSettings settings;
  std::string work_dir;   ///< chunkreel's own folder, on a filesystem the nodes share
  std::string script;     ///< the task script (slurm_task_script), in the work folder
  std::string job_name;
  int cpus_per_task = 1;
  std::map<int, int64_t> estimated_peak_bytes;  ///< by chunk
  /// Records a file chunkreel or the tasks will make in the work folder
  /// (WorkFolder::claim); false if it cannot be recorded.
  std::function<bool(const std::string& name)> record_file;
  /// Records the temporary files the task of `chunk` will write as attempt
  /// `attempt` (ChunkJob::attempt, the manifest's stem); false if it cannot.
  std::function<bool(int chunk, const std::string& attempt)> record_attempt;
  /// A line for the user: retries after Slurm's transient errors, waits.
  std::function<void(const std::string& line)> log;
  /// Asked while retrying a command: false stops (the render was interrupted).
  std::function<bool()> keep_trying;
  /// Asked while abort_all() waits for the queue to empty: false stops
  /// waiting (a second Ctrl-C).
  std::function<bool()> keep_waiting;
};

/// One array submitted: its task i ran chunks[i].
struct SubmittedArray {
  std::string id;
  std::vector<int> chunks;
};

class SlurmRunner : public CommandRunner {
 public:
  explicit SlurmRunner(SlurmRunnerOptions options);
  ~SlurmRunner() override;

  /// Below half the controller's MaxJobCount: the other half is everyone else's.
  bool can_run_more() const override;
  Expected<void> start(const WorkerTask& task) override;
  Expected<void> flush_starts() override;
  bool wait(WorkerEvent* event, std::chrono::milliseconds timeout) override;
  int running() const override { return static_cast<int>(m_tasks.size() + m_staged.size()); }
  void abort_all() override;
  std::string status_text() const override;

  /// The arrays submitted so far, oldest first.
  const std::vector<SubmittedArray>& arrays() const { return m_arrays; }
  /// The memory each submitted chunk asked for last, in MiB.
  const std::map<int, int64_t>& asked_mem_mib() const { return m_asked_mib; }
  /// Makes the next request for `chunk` ask for `mib`.
  void raise_memory(int chunk, int64_t mib) { m_mem_mib[chunk] = mib; }
  /// The sbatch lines flush_starts() would run for `tasks`, with the
  /// manifests they would have (nothing is submitted or written).
  std::vector<std::vector<std::string>> sbatch_lines(const std::vector<WorkerTask>& tasks);
  /// What this runner asked of Slurm.
  const SlurmCalls& calls() const { return m_client.calls(); }
  /// Tasks lost with their node, preempted or requeued.
  int lost_tasks() const { return m_lost; }

 private:
  struct Task;
  int64_t mem_mib_for(int chunk) const;
  std::vector<ArraySubmission> arrays_for(const std::vector<WorkerTask>& tasks, bool dry_run);
  std::string next_manifest(bool dry_run);
  Expected<void> submit_array(ArraySubmission array, const std::map<int, WorkerTask>& staged,
                              const std::string& after);
  void poll();
  void read_output(Task& task);
  void finish(Task& task, bool success, const std::string& why, bool lost = false);
  double elapsed_s() const;

  SlurmRunnerOptions m_options;
  mutable SlurmClient m_client;
  std::vector<WorkerTask> m_staged;
  std::map<int, Task> m_tasks;  ///< by chunk: submitted, not yet ended
  std::map<int, int64_t> m_mem_mib;  ///< by chunk: raised after a memory kill
  std::map<int, int64_t> m_asked_mib;  ///< by chunk: the last request
  std::vector<SubmittedArray> m_arrays;
  std::deque<WorkerEvent> m_events;
  std::chrono::steady_clock::time_point m_first_submit{};
  std::chrono::steady_clock::time_point m_next_poll{};
  std::chrono::steady_clock::time_point m_last_poll{};
  std::chrono::steady_clock::time_point m_last_read{};
  int m_next_manifest = 1;
  int m_done = 0;
  int m_lost = 0;
};

/// What a finished task (task `task_index` of array `array_id`, rendering
/// `chunk`) reported in its output file in `work_dir`: its stats with node
/// and job, or nothing when it did not finish. Queue wait and run time are
/// left unknown (-1): only Slurm can tell them.
std::optional<WorkerStats> finished_task_stats(const std::string& work_dir, const std::string& array_id,
                                               int task_index);

/// True when task `task_index` of array `array_id` was killed by Slurm for
/// passing its memory limit, as its stderr file in `work_dir` says.
bool task_killed_for_memory(const std::string& work_dir, const std::string& array_id, int task_index);

/// The script every task runs: it finds its chunk on line
/// $SLURM_ARRAY_TASK_ID + 1 of the manifest given as its argument, names
/// its node and start time, then runs `worker` on that chunk's job in
/// `work_dir`.
std::string slurm_task_script(const std::string& worker, const std::string& work_dir);

}  // namespace chunkreel
