// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/slurm_client.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace chunkreel {
namespace {

// The waits before each retry, in seconds: about two minutes in all, which
// covers a controller's restart.
constexpr int k_retry_waits_s[] = {1, 2, 4, 8, 16, 30, 30, 30};

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string failure_text(const std::string& what, const CommandOutput& output) {
  return fmt::format("{} failed (exit {}): {}", what, output.exit_code,
                     trimmed(output.err.empty() ? output.out : output.err));
}

}  // namespace

double squeue_interval_s(double elapsed_s) { return std::clamp(2.0 + std::max(0.0, elapsed_s) / 30.0, 2.0, 30.0); }

SlurmClient::SlurmClient(Log log, KeepTrying keep_trying)
    : m_log(std::move(log)), m_keep_trying(std::move(keep_trying)) {}

bool SlurmClient::pause(int seconds) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (m_keep_trying && !m_keep_trying()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return !m_keep_trying || m_keep_trying();
}

Expected<CommandOutput> SlurmClient::run(const std::vector<std::string>& argv, int* counter,
                                         const std::function<bool(const CommandOutput&)>& ok,
                                         const std::function<bool()>& before_retry) {
  for (size_t attempt = 0;; ++attempt) {
    ++*counter;
    auto ran = run_system_command(argv);
    if (!ran) return ran.error();
    const CommandOutput& output = ran.value();
    if (ok(output)) return ran;
    const std::string words = trimmed(output.err.empty() ? output.out : output.err);
    if (!is_transient_failure(words) || attempt == std::size(k_retry_waits_s))
      return Error{failure_text(argv[0], output)};
    const int wait = k_retry_waits_s[attempt];
    // Slurm's own words usually name the command already.
    if (m_log)
      m_log(fmt::format("{}{}; trying again in {} s", words.rfind(argv[0] + ":", 0) == 0 ? "" : argv[0] + ": ",
                        words, wait));
    ++m_calls.retried;
    if (!pause(wait)) return Error{failure_text(argv[0], output)};
    if (before_retry && before_retry()) return CommandOutput{0, "", ""};
  }
}

Expected<std::string> SlurmClient::submit(const std::vector<std::string>& sbatch_argv, const std::string& comment) {
  std::string found_id;
  std::string unknown;  // why the queue could not be asked
  // A time-out may have lost sbatch's reply after the controller took the
  // job: before trying again, look for it by its comment. Submitting twice
  // would run two tasks on each chunk, so a queue that cannot be asked
  // stops the submission.
  auto already_submitted = [&]() {
    if (comment.empty()) return false;
    auto listed = run({"squeue", "-h", "-t", "all", "--me", "-o", "%A|%k"}, &m_calls.squeue,
                      [](const CommandOutput& o) { return o.exit_code == 0; });
    if (!listed) {
      unknown = listed.error().message;
      return true;
    }
    std::istringstream lines(listed.value().out);
    for (std::string line; std::getline(lines, line);) {
      const auto bar = line.find('|');
      if (bar != std::string::npos && line.substr(bar + 1) == comment) {
        found_id = line.substr(0, bar);
        if (m_log) m_log(fmt::format("sbatch: its reply was lost, but the controller has the job: {}", found_id));
        return true;
      }
    }
    return false;
  };
  auto ran = run(sbatch_argv, &m_calls.sbatch, [](const CommandOutput& o) { return o.exit_code == 0; },
                 already_submitted);
  if (!ran) return ran.error();
  if (!unknown.empty())
    return Error{fmt::format("sbatch failed, and whether the controller took the job is unknown ({}); look for "
                             "the comment {} in squeue --me -o '%A %k' before submitting again",
                             unknown, comment)};
  if (!found_id.empty()) return found_id;
  const std::string id = parse_job_id(ran.value().out);
  if (id.empty()) return Error{"sbatch printed no job id: " + trimmed(ran.value().out)};
  return id;
}

Expected<std::map<std::string, TaskState>> SlurmClient::query(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return std::map<std::string, TaskState>{};
  // An id the controller has already forgotten makes squeue fail; what it
  // does know is still printed, so only a silent failure is an error.
  auto ran = run(squeue_tasks_argv(job_ids), &m_calls.squeue, [](const CommandOutput& o) {
    return o.exit_code == 0 || !o.out.empty() || o.err.find("Invalid job id") != std::string::npos;
  });
  if (!ran) return ran.error();
  return parse_squeue_output(ran.value().out);
}

Expected<void> SlurmClient::cancel(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  std::vector<std::string> argv{"scancel"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  // A job already gone is no failure: it is what was asked.
  auto ran = run(argv, &m_calls.scancel, [](const CommandOutput& o) {
    return o.exit_code == 0 || o.err.find("Invalid job id") != std::string::npos ||
           o.err.find("already completing or completed") != std::string::npos;
  });
  if (!ran) return ran.error();
  return {};
}

const SlurmLimits& SlurmClient::limits() {
  if (m_have_limits) return m_limits;
  m_have_limits = true;
  auto ran = run({"scontrol", "show", "config"}, &m_calls.scontrol,
                 [](const CommandOutput& o) { return o.exit_code == 0; });
  if (ran) {
    m_limits = parse_slurm_limits(ran.value().out);
  } else if (m_log) {
    m_log(fmt::format("{}; taking Slurm's defaults, MaxArraySize {} and MaxJobCount {}", ran.error().message,
                      m_limits.max_array_size, m_limits.max_job_count));
  }
  return m_limits;
}

}  // namespace chunkreel
