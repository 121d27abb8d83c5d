// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/slurm_commands.h"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "orchestrator/run/system_command.h"

namespace chunkreel {
namespace {

std::string failure_text(const std::string& what, const CommandOutput& output) {
  std::string text = output.err.empty() ? output.out : output.err;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return fmt::format("{} failed (exit {}): {}", what, output.exit_code, text);
}

// "3-7%2" or "3,5,8-9" -> the indices.
std::vector<int> expand_indices(std::string list) {
  std::vector<int> indices;
  if (const auto percent = list.find('%'); percent != std::string::npos) list.erase(percent);
  std::istringstream parts(list);
  std::string part;
  while (std::getline(parts, part, ',')) {
    const auto dash = part.find('-');
    try {
      const int first = std::stoi(part.substr(0, dash));
      const int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
      for (int i = first; i <= last; ++i) indices.push_back(i);
    } catch (const std::exception&) {
    }
  }
  return indices;
}

}  // namespace

std::string task_output_name(const std::string& array_id, int task_index, bool is_stderr) {
  return fmt::format("slurm-{}_{}.{}", array_id, task_index, is_stderr ? "err" : "out");
}

std::string task_manifest_text(const std::vector<int>& chunks) {
  std::string text;
  for (int chunk : chunks) text += std::to_string(chunk) + "\n";
  return text;
}

namespace {

// "2026-12-06T21:41:03" as seconds (the difference of two is what counts,
// so the time zone does not matter); nothing for "N/A", "Unknown" and the like.
std::optional<double> squeue_time(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return std::nullopt;
  return static_cast<double>(timegm(&tm));
}

// sbatch expands %A, %a, %j... in --output and --error; a '%' of the
// folder's own name is written "%%" so that it stays itself.
std::string literal_in_pattern(const std::string& path) {
  std::string out;
  for (char c : path) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

}  // namespace

std::vector<std::string> sbatch_array_argv(const ArraySubmission& array, const SlurmSettings& settings) {
  std::string spec = array.chunks.size() == 1 ? "0" : fmt::format("0-{}", array.chunks.size() - 1);
  if (settings.max_running > 0) spec += fmt::format("%{}", settings.max_running);
  std::vector<std::string> argv{"sbatch",
                                "--parsable",
                                "--array=" + spec,
                                "--job-name=" + array.job_name,
                                fmt::format("--cpus-per-task={}", array.cpus_per_task),
                                fmt::format("--mem={}M", array.mem_mib),
                                "--chdir=" + array.work_dir,
                                "--output=" + literal_in_pattern(array.work_dir) + "/slurm-%A_%a.out",
                                "--error=" + literal_in_pattern(array.work_dir) + "/slurm-%A_%a.err"};
  if (!array.comment.empty()) argv.push_back("--comment=" + array.comment);
  if (!settings.partition.empty()) argv.push_back("--partition=" + settings.partition);
  argv.insert(argv.end(), settings.extra_args.begin(), settings.extra_args.end());
  argv.push_back(array.script);
  argv.push_back(array.manifest);
  return argv;
}

std::vector<std::string> sbatch_after_argv(const std::string& after, const std::string& command,
                                           const std::string& work_dir, const std::string& job_name,
                                           const SlurmSettings& settings) {
  std::vector<std::string> argv{"sbatch", "--parsable"};
  if (!after.empty()) argv.insert(argv.end(), {"--dependency=afterany:" + after, "--kill-on-invalid-dep=yes"});
  argv.insert(argv.end(), {"--job-name=" + job_name, "--cpus-per-task=1", "--chdir=" + work_dir,
                           "--output=" + literal_in_pattern(work_dir) + "/slurm-join-%j.out"});
  if (!settings.partition.empty()) argv.push_back("--partition=" + settings.partition);
  argv.insert(argv.end(), settings.extra_args.begin(), settings.extra_args.end());
  argv.push_back("--wrap=" + command);
  return argv;
}

std::string parse_job_id(const std::string& sbatch_output) {
  const std::string id = sbatch_output.substr(0, sbatch_output.find_first_of(";\n"));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) return {};
  return id;
}

std::vector<std::string> squeue_tasks_argv(const std::vector<std::string>& job_ids) {
  std::string ids;
  for (const std::string& id : job_ids) ids += (ids.empty() ? "" : ",") + id;
  // '|' between the fields: a pending task's node list is empty.
  return {"squeue", "-h", "-t", "all", "-j", ids, "-o", "%i|%T|%N|%V|%S|%e"};
}

std::map<std::string, TaskState> parse_squeue_output(const std::string& text) {
  std::map<std::string, TaskState> tasks;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string id;
    TaskState state;
    if (!parse_squeue_line(line, &id, &state)) continue;
    const auto underscore = id.find('_');
    if (underscore == std::string::npos) continue;
    const std::string job = id.substr(0, underscore);
    std::string index = id.substr(underscore + 1);
    if (!index.empty() && index.front() == '[') {
      index = index.substr(1, index.find(']') - 1);
      for (int i : expand_indices(index)) tasks[job + "_" + std::to_string(i)] = state;
    } else {
      tasks[id] = state;
    }
  }
  return tasks;
}

bool parse_squeue_line(const std::string& line, std::string* id, TaskState* state) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '|');) fields.push_back(field);
  if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) return false;
  *id = fields[0];
  *state = TaskState{fields[1], fields.size() > 2 ? fields[2] : "", -1};
  if (fields.size() > 4 && state->state != "PENDING") {
    const auto submitted = squeue_time(fields[3]);
    const auto started = squeue_time(fields[4]);
    if (submitted && started && *started >= *submitted) state->queue_wait_s = *started - *submitted;
    const auto ended = fields.size() > 5 ? squeue_time(fields[5]) : std::nullopt;
    if (started && ended && *ended >= *started && is_final_state(state->state)) state->run_s = *ended - *started;
  }
  return true;
}

bool is_final_state(const std::string& state) {
  static const char* const k_final[] = {"COMPLETED", "FAILED",  "CANCELLED", "TIMEOUT",    "OUT_OF_MEMORY",
                                        "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT"};
  return std::find(std::begin(k_final), std::end(k_final), state) != std::end(k_final);
}

bool is_lost_state(const std::string& state) {
  static const char* const k_lost[] = {"NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "REQUEUED", "REQUEUE_FED",
                                       "REQUEUE_HOLD"};
  return std::find(std::begin(k_lost), std::end(k_lost), state) != std::end(k_lost);
}

SlurmLimits parse_slurm_limits(const std::string& scontrol_config) {
  // Lines of "Name = value".
  SlurmLimits limits;
  std::istringstream lines(scontrol_config);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name, equals, value;
    if (!(fields >> name >> equals >> value) || equals != "=") continue;
    int number = 0;
    try {
      number = std::stoi(value);
    } catch (const std::exception&) {
      continue;
    }
    if (name == "MaxArraySize" && number > 0) limits.max_array_size = number;
    if (name == "MaxJobCount" && number > 0) limits.max_job_count = number;
  }
  return limits;
}

bool is_transient_failure(const std::string& text) {
  // Slurm's words (slurm_errno.c) for a controller that is busy, restarting
  // or out of reach for a moment.
  static const char* const k_transient[] = {"Socket timed out",
                                            "Resource temporarily unavailable",
                                            "Unable to contact slurm controller",
                                            "Zero Bytes were transmitted or received",
                                            "Communication connection failure",
                                            "Connection refused",
                                            "backup controller in standby mode",
                                            "temporarily unable to accept job",
                                            "Slurmctld is busy"};
  for (const char* words : k_transient)
    if (text.find(words) != std::string::npos) return true;
  return false;
}

Expected<int> partition_cpus(const std::string& partition) {
  std::vector<std::string> argv{"sinfo", "-h", "-o", "%P %C"};
  if (!partition.empty()) argv.insert(argv.end(), {"-p", partition});
  auto ran = run_system_command(argv);
  if (!ran) return ran.error();
  if (ran.value().exit_code != 0) return Error{failure_text("sinfo", ran.value())};
  // "%C" is allocated/idle/other/total; the default partition ends in '*'.
  std::istringstream lines(ran.value().out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name, cpus;
    fields >> name >> cpus;
    const bool is_default = !name.empty() && name.back() == '*';
    if (!partition.empty() ? (name == partition || name == partition + "*") : is_default) {
      const auto slash = cpus.rfind('/');
      try {
        return std::stoi(cpus.substr(slash == std::string::npos ? 0 : slash + 1));
      } catch (const std::exception&) {
        break;
      }
    }
  }
  return Error{partition.empty() ? "sinfo names no default partition; give one with --slurm-partition"
                                 : "sinfo does not know the partition '" + partition + "'"};
}

}  // namespace chunkreel
