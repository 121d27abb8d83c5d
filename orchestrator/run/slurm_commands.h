// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Slurm's own commands, as chunkreel uses them: sbatch for job arrays and
// dependent jobs, squeue for task states (without accounting, sacct cannot
// say; squeue -t all keeps finished tasks for MinJobAge), scancel, and
// sinfo for the partition's CPUs. Clients find the cluster the usual way
// (SLURM_CONF, or the system's configuration).

#include <map>
#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

/// What the user asked of the farm.
struct SlurmSettings {
  std::string partition;                ///< --slurm-partition; empty: the cluster's default
  int max_running = 0;                  ///< --slurm-max-running: the array's %K throttle; 0: none
  std::vector<std::string> extra_args;  ///< --slurm-arg, passed to sbatch as they are
  int64_t first_mem_bytes = 0;          ///< --slurm-mem: the first --mem asked; 0: from the estimate
  bool detach = false;                  ///< --detach: submit, then leave the join to a dependent job
};

/// One job array: task i runs chunk i's job.
struct ArraySubmission {
  std::vector<int> indices;  ///< chunk indices
  int cpus_per_task = 1;
  int64_t mem_mib = 0;
  std::string script;    ///< the task script (absolute)
  std::string work_dir;  ///< --chdir, and where the tasks' output files go
  std::string job_name;
};

/// "0-3,7,9-10": the indices, sorted, in ranges.
std::string array_index_list(std::vector<int> indices);

/// The sbatch command line for `array`.
std::vector<std::string> sbatch_array_argv(const ArraySubmission& array, const SlurmSettings& settings);

/// The name Slurm gives a task's stdout/stderr file in `work_dir`.
std::string task_output_name(const std::string& array_id, int index, bool is_stderr);

/// The sbatch command line for a job that runs `command` after every task of
/// the arrays `after` ("12:15") has ended, whatever their outcome; with no
/// arrays, at once.
std::vector<std::string> sbatch_after_argv(const std::string& after, const std::string& command,
                                           const std::string& work_dir, const std::string& job_name,
                                           const SlurmSettings& settings);

/// Runs an sbatch line made above; returns the job id it printed.
Expected<std::string> submit(const std::vector<std::string>& sbatch_argv);

struct TaskState {
  std::string state;  ///< PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, OUT_OF_MEMORY...
  std::string node;   ///< empty while pending
  /// Its start less its submission, both by the controller's clock (whole
  /// seconds, as squeue prints them); -1 until it has started.
  double queue_wait_s = -1;
};

/// One line of `squeue -o "%i|%T|%N|%V|%S"`: the task (or pending range)
/// id and its state; false for a line that is not one.
bool parse_squeue_line(const std::string& line, std::string* id, TaskState* state);

/// The states of the tasks of the arrays `job_ids`, by "JOBID_INDEX";
/// pending ranges ("12_[3-7%2]") are listed task by task.
Expected<std::map<std::string, TaskState>> query_tasks(const std::vector<std::string>& job_ids);

/// True for a state in which a task will do no more.
bool is_final_state(const std::string& state);

/// scancel every one of `job_ids` (arrays: all their tasks).
Expected<void> cancel_jobs(const std::vector<std::string>& job_ids);

/// The CPUs of `partition` (empty: the default partition), as sinfo counts them.
Expected<int> partition_cpus(const std::string& partition);

}  // namespace chunkreel
