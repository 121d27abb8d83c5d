// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Slurm's commands, run the way a shared controller wants them run: a call
// that fails with one of Slurm's transient errors (a busy or restarting
// controller) is tried again after 1, 2, 4... up to 30 s, each wait said in
// the log; an sbatch whose reply was lost is looked for in the queue, by its
// comment, before it is submitted again. Every call is counted, so a render
// can report how much it asked of the controller.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "orchestrator/run/slurm_commands.h"
#include "orchestrator/run/system_command.h"

namespace chunkreel {

struct SlurmCalls {
  int sbatch = 0;
  int squeue = 0;
  int scancel = 0;
  int scontrol = 0;
  int retried = 0;  ///< calls tried again after a transient error
};

class SlurmClient {
 public:
  using Log = std::function<void(const std::string& line)>;
  /// Asked between the retries' waits; false stops trying.
  using KeepTrying = std::function<bool()>;

  explicit SlurmClient(Log log = {}, KeepTrying keep_trying = {});

  void set_keep_trying(KeepTrying keep_trying) { m_keep_trying = std::move(keep_trying); }

  /// Runs an sbatch line; returns the job id it printed. `comment` is the
  /// line's --comment (empty: none), by which a submission whose reply was
  /// lost is recognised in the queue.
  Expected<std::string> submit(const std::vector<std::string>& sbatch_argv, const std::string& comment);
  /// The states of the tasks of the arrays `job_ids` (parse_squeue_output).
  Expected<std::map<std::string, TaskState>> query(const std::vector<std::string>& job_ids);
  /// scancel each of `ids` (a job, an array, or one task "JOB_INDEX").
  Expected<void> cancel(const std::vector<std::string>& ids);
  /// The controller's limits, asked once; Slurm's defaults, said in the
  /// log, when scontrol cannot tell.
  const SlurmLimits& limits();

  const SlurmCalls& calls() const { return m_calls; }

 private:
  /// Runs `argv` until it succeeds (`ok`), fails for good, or the retries run out.
  Expected<CommandOutput> run(const std::vector<std::string>& argv, int* counter,
                              const std::function<bool(const CommandOutput&)>& ok,
                              const std::function<bool()>& before_retry = {});
  bool pause(int seconds) const;

  Log m_log;
  KeepTrying m_keep_trying;
  SlurmCalls m_calls;
  bool m_have_limits = false;
  SlurmLimits m_limits;
};

/// How long a runner waits between two squeue calls, `elapsed_s` seconds
/// into a render: 2 s at first, growing by a second a half-minute up to
/// 30 s, so a long render asks the controller little.
double squeue_interval_s(double elapsed_s);

}  // namespace chunkreel
