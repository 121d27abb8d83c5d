// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Slurm's own commands, as chunkreel uses them, as data: the command lines
// (sbatch for job arrays and dependent jobs, squeue for task states, as
// without accounting sacct cannot say and squeue -t all keeps finished
// tasks for MinJobAge), and readers for what they print. SlurmClient
// (slurm_client.h) runs them. Clients find the cluster the usual way
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

/// One job array: task i runs the job of chunks[i], as the manifest (a
/// file in the work folder, one chunk a line) tells the task script. So a
/// resubmission, or a plan split over several arrays, never needs task
/// index = chunk.
struct ArraySubmission {
  std::vector<int> chunks;
  int cpus_per_task = 1;
  int64_t mem_mib = 0;
  std::string script;    ///< the task script (absolute)
  std::string work_dir;  ///< --chdir, and where the tasks' output files go
  std::string job_name;
  std::string manifest;  ///< the manifest (absolute), the script's argument
  /// Names this submission alone (--comment), so that an array whose
  /// sbatch reply was lost can be found in squeue instead of submitted twice.
  std::string comment;
};

/// The sbatch command line for `array`: tasks 0 to chunks.size() - 1.
std::vector<std::string> sbatch_array_argv(const ArraySubmission& array, const SlurmSettings& settings);

/// The manifest's text: the chunks, one a line, task 0's first.
std::string task_manifest_text(const std::vector<int>& chunks);

/// The name Slurm gives a task's stdout/stderr file in `work_dir`.
std::string task_output_name(const std::string& array_id, int task_index, bool is_stderr);

/// The sbatch command line for a job that runs `command` after every task of
/// the arrays `after` ("12:15") has ended, whatever their outcome; with no
/// arrays, at once.
std::vector<std::string> sbatch_after_argv(const std::string& after, const std::string& command,
                                           const std::string& work_dir, const std::string& job_name,
                                           const SlurmSettings& settings);

/// The job id in what `sbatch --parsable` printed ("JOBID" or
/// "JOBID;CLUSTER"); empty if there is none.
std::string parse_job_id(const std::string& sbatch_output);

struct TaskState {
  std::string state;  ///< PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, OUT_OF_MEMORY...
  std::string node;   ///< empty while pending
  /// Its start less its submission, both by the controller's clock (whole
  /// seconds, as squeue prints them); -1 until it has started.
  double queue_wait_s = -1;
  /// Its end less its start, by the controller's clock; -1 until it ended.
  double run_s = -1;
};

/// squeue's command line for the tasks of the arrays `job_ids`, finished
/// ones included, in the format parse_squeue_line reads.
std::vector<std::string> squeue_tasks_argv(const std::vector<std::string>& job_ids);

/// One line of `squeue -o "%i|%T|%N|%V|%S|%e"`: the task (or pending range)
/// id and its state; false for a line that is not one.
bool parse_squeue_line(const std::string& line, std::string* id, TaskState* state);

/// The tasks in squeue's output, by "JOBID_INDEX"; pending ranges
/// ("12_[3-7%2]") are listed task by task.
std::map<std::string, TaskState> parse_squeue_output(const std::string& text);

/// True for a state in which a task will do no more.
bool is_final_state(const std::string& state);

/// True for a state in which a task lost its run through no fault of its
/// own: its node failed or it was preempted, and Slurm ended or requeued it.
bool is_lost_state(const std::string& state);

/// The controller's limits that bound how a render is submitted.
struct SlurmLimits {
  int max_array_size = 1001;  ///< MaxArraySize: task indices stay below it
  int max_job_count = 10000;  ///< MaxJobCount: jobs the controller holds, everyone's
};
/// Reads them from `scontrol show config`; Slurm's defaults where it is silent.
SlurmLimits parse_slurm_limits(const std::string& scontrol_config);

/// True when a failed command's words are one of Slurm's transient errors
/// (a busy or restarting controller), worth trying again after a while.
bool is_transient_failure(const std::string& text);

/// The CPUs of `partition` (empty: the default partition), as sinfo counts them.
Expected<int> partition_cpus(const std::string& partition);

}  // namespace chunkreel
