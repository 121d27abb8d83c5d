// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/slurm_runner.h"

#include <cmath>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "common/units.h"
#include "orchestrator/run/system_command.h"
#include "orchestrator/run/worker_messages.h"

namespace chunkreel {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto k_poll_interval = std::chrono::milliseconds(500);
// Polls a task may end COMPLETED before its "done" line shows in its output
// file (a shared filesystem may show a file's end late).
constexpr int k_done_grace_polls = 20;

std::string read_tail(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff from = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(bytes));
  in.seekg(from);
  std::string text(static_cast<size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

bool killed_for_memory(const std::string& state, const std::string& err) {
  return state == "OUT_OF_MEMORY" || err.find("exceeded memory limit") != std::string::npos ||
         err.find("Exceeded job memory limit") != std::string::npos ||
         err.find("oom-kill") != std::string::npos;
}

}  // namespace

struct SlurmRunner::Task {
  WorkerTask task;
  std::string array_id;
  std::string out_path;
  std::string err_path;
  std::streamoff out_offset = 0;
  std::string out_buffer;
  std::string state = "PENDING";
  std::string node;
  int64_t mem_mib = 0;      ///< what it asked for
  double submitted_at = 0;  ///< seconds since the epoch
  double started_at = 0;     ///< by the node's clock
  double queue_wait_s = -1;  ///< by the controller's clock, from squeue
  bool done_seen = false;
  int polls_completed_without_done = 0;
  int polls_missing = 0;
  WorkerStats stats;
};

std::string slurm_task_script(const std::string& worker, const std::string& work_dir) {
  return fmt::format(
      "#!/bin/sh\n"
      "# chunkreel: one task of a job array; task i renders chunk i.\n"
      "job=$(printf '%s/chunk_%05d.json' {} \"$SLURM_ARRAY_TASK_ID\")\n"
      "printf '{{\"event\":\"node\",\"node\":\"%s\",\"started_at\":%s}}\\n' "
      "\"${{SLURMD_NODENAME:-$(hostname -s)}}\" \"$(date +%s.%N)\"\n"
      "exec {} \"$job\"\n",
      shell_line({work_dir}), shell_line({worker}));
}

std::optional<WorkerStats> finished_task_stats(const std::string& work_dir, const std::string& array_id, int chunk,
                                               double submitted_at) {
  std::ifstream in(work_dir + "/" + task_output_name(array_id, chunk, false));
  std::string line;
  std::optional<WorkerStats> stats;
  std::string node;
  double started_at = 0;
  while (std::getline(in, line)) {
    const WorkerMessage message = parse_worker_line(line);
    if (message.kind == WorkerMessage::Kind::k_node) {
      node = message.node;
      started_at = message.started_at;
    } else if (message.kind == WorkerMessage::Kind::k_done) {
      stats = message.stats;
    }
  }
  if (!stats) return std::nullopt;
  stats->node = node;
  stats->slurm_job = fmt::format("{}_{}", array_id, chunk);
  if (started_at > 0 && submitted_at > 0) stats->queue_wait_s = std::max(0.0, started_at - submitted_at);
  return stats;
}

bool task_killed_for_memory(const std::string& work_dir, const std::string& array_id, int chunk) {
  return killed_for_memory("", read_tail(work_dir + "/" + task_output_name(array_id, chunk, true), 4096));
}

SlurmRunner::SlurmRunner(SlurmRunnerOptions options) : m_options(std::move(options)) {}

SlurmRunner::~SlurmRunner() = default;

int64_t SlurmRunner::mem_mib_for(int chunk) const {
  if (auto raised = m_mem_mib.find(chunk); raised != m_mem_mib.end()) return raised->second;
  if (m_options.settings.first_mem_bytes > 0) return (m_options.settings.first_mem_bytes + (1 << 20) - 1) >> 20;
  // The estimate plus a fifth: Slurm kills a task the moment it passes --mem.
  const auto found = m_options.estimated_peak_bytes.find(chunk);
  const int64_t estimate = found == m_options.estimated_peak_bytes.end() ? (256ll << 20) : found->second;
  return static_cast<int64_t>(std::ceil(estimate * 1.2 / double(1 << 20)));
}

Expected<void> SlurmRunner::start(const WorkerTask& task) {
  m_staged.push_back(task);
  return {};
}

std::vector<ArraySubmission> SlurmRunner::arrays_for(const std::vector<WorkerTask>& tasks) const {
  // Every task of an array asks for the same memory. Tasks on their first
  // request share one array, asking for the largest of their estimates;
  // a task whose request was raised after a memory kill goes in an array
  // of that size.
  int64_t shared = 0;
  for (const WorkerTask& t : tasks)
    if (!m_mem_mib.count(t.chunk)) shared = std::max(shared, mem_mib_for(t.chunk));
  std::map<int64_t, std::vector<int>> by_mem;
  for (const WorkerTask& t : tasks) by_mem[m_mem_mib.count(t.chunk) ? m_mem_mib.at(t.chunk) : shared].push_back(t.chunk);
  std::vector<ArraySubmission> arrays;
  for (const auto& [mem, indices] : by_mem) {
    ArraySubmission array;
    array.indices = indices;
    array.cpus_per_task = m_options.cpus_per_task;
    array.mem_mib = mem;
    array.script = m_options.script;
    array.work_dir = m_options.work_dir;
    array.job_name = m_options.job_name;
    arrays.push_back(array);
  }
  return arrays;
}

std::vector<std::vector<std::string>> SlurmRunner::sbatch_lines(const std::vector<WorkerTask>& tasks) const {
  std::vector<std::vector<std::string>> lines;
  for (const ArraySubmission& array : arrays_for(tasks)) lines.push_back(sbatch_array_argv(array, m_options.settings));
  return lines;
}

Expected<void> SlurmRunner::flush_starts() {
  if (m_staged.empty()) return {};
  std::map<int, WorkerTask> staged;
  for (const WorkerTask& t : m_staged) staged[t.chunk] = t;
  const std::vector<ArraySubmission> arrays = arrays_for(m_staged);
  m_staged.clear();
  for (const ArraySubmission& array : arrays) {
    auto id = submit(sbatch_array_argv(array, m_options.settings));
    if (!id) return id.error();
    m_array_ids.push_back(id.value());
    m_submitted_at[id.value()] = seconds_since_epoch();
    for (int index : array.indices) {
      Task task;
      task.task = staged.at(index);
      task.array_id = id.value();
      task.mem_mib = array.mem_mib;
      m_asked_mib[index] = array.mem_mib;
      task.submitted_at = seconds_since_epoch();
      const std::string out = task_output_name(id.value(), index, false);
      const std::string err = task_output_name(id.value(), index, true);
      if (m_options.record_file) {
        m_options.record_file(out);
        m_options.record_file(err);
      }
      task.out_path = m_options.work_dir + "/" + out;
      task.err_path = m_options.work_dir + "/" + err;
      m_tasks[index] = std::move(task);
    }
  }
  m_last_poll = Clock::now() - k_poll_interval;
  return {};
}

void SlurmRunner::read_output(Task& task) {
  std::ifstream in(task.out_path, std::ios::binary);
  if (!in) return;
  in.seekg(task.out_offset);
  std::string fresh((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  task.out_offset += static_cast<std::streamoff>(fresh.size());
  task.out_buffer += fresh;
  size_t newline;
  int64_t progress = -1;
  while ((newline = task.out_buffer.find('\n')) != std::string::npos) {
    const WorkerMessage message = parse_worker_line(task.out_buffer.substr(0, newline));
    task.out_buffer.erase(0, newline + 1);
    if (message.kind == WorkerMessage::Kind::k_node) {
      task.node = message.node;
      task.started_at = message.started_at;
    } else if (message.kind == WorkerMessage::Kind::k_progress) {
      progress = message.frames_done;
    } else if (message.kind == WorkerMessage::Kind::k_done) {
      task.done_seen = true;
      task.stats = message.stats;
    }
  }
  if (progress >= 0) {
    WorkerEvent e;
    e.kind = WorkerEvent::Kind::k_progress;
    e.chunk = task.task.chunk;
    e.frames_done = progress;
    m_events.push_back(e);
  }
}

void SlurmRunner::finish(Task& task, bool success, const std::string& why) {
  WorkerEvent e;
  e.kind = WorkerEvent::Kind::k_finished;
  e.chunk = task.task.chunk;
  e.success = success;
  const std::string job = fmt::format("{}_{}", task.array_id, task.task.chunk);
  e.stats.node = task.node;
  if (success) {
    e.stats = task.stats;
    e.stats.node = task.node;
    e.stats.slurm_job = job;
    // The controller's own submit and start times; the node's clock against
    // this host's only when squeue never showed the task started.
    if (task.queue_wait_s >= 0)
      e.stats.queue_wait_s = task.queue_wait_s;
    else if (task.started_at > 0)
      e.stats.queue_wait_s = std::max(0.0, task.started_at - task.submitted_at);
    ++m_done;
  } else {
    e.failure = fmt::format("task {}{} {}", job, task.node.empty() ? "" : " on " + task.node, why);
  }
  m_events.push_back(std::move(e));
  m_tasks.erase(task.task.chunk);
}

void SlurmRunner::poll() {
  for (auto& [chunk, task] : m_tasks) read_output(task);
  std::vector<std::string> ids;
  for (const auto& [chunk, task] : m_tasks)
    if (std::find(ids.begin(), ids.end(), task.array_id) == ids.end()) ids.push_back(task.array_id);
  auto states = query_tasks(ids);
  if (!states) return;  // the controller may be busy; ask again next time
  std::vector<int> ended;
  for (auto& [chunk, task] : m_tasks) {
    const auto found = states.value().find(fmt::format("{}_{}", task.array_id, chunk));
    if (found == states.value().end()) {
      // Forgotten by the controller (past MinJobAge) or not yet listed.
      if (++task.polls_missing < k_done_grace_polls) continue;
      task.state = "GONE";
    } else {
      task.polls_missing = 0;
      task.state = found->second.state;
      if (!found->second.node.empty() && task.node.empty()) task.node = found->second.node;
      if (found->second.queue_wait_s >= 0) task.queue_wait_s = found->second.queue_wait_s;
    }
    if (is_final_state(task.state) || task.state == "GONE") ended.push_back(chunk);
  }
  for (int chunk : ended) {
    Task& task = m_tasks.at(chunk);
    read_output(task);
    if (task.done_seen && (task.state == "COMPLETED" || task.state == "GONE")) {
      finish(task, true, "");
      continue;
    }
    if (task.state == "COMPLETED" && ++task.polls_completed_without_done < k_done_grace_polls) continue;
    const std::string err = read_tail(task.err_path, 4096);
    std::string why = "ended " + task.state;
    if (killed_for_memory(task.state, err)) {
      const int64_t next = 2 * task.mem_mib;
      m_mem_mib[chunk] = next;
      why += fmt::format(" (over its memory limit; the next attempt asks for {} MiB)", next);
    }
    const std::string tail = last_lines(err, 3);
    if (!tail.empty()) why += "; its last output:\n" + tail;
    finish(task, false, why);
  }
}

bool SlurmRunner::wait(WorkerEvent* event, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!m_events.empty()) {
      *event = std::move(m_events.front());
      m_events.pop_front();
      return true;
    }
    const auto now = Clock::now();
    if (now - m_last_poll >= k_poll_interval && !m_tasks.empty()) {
      m_last_poll = now;
      poll();
      continue;
    }
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(50)));
  }
}

void SlurmRunner::abort_all() {
  m_staged.clear();
  if (m_array_ids.empty()) return;
  cancel_jobs(m_array_ids);
  // The queue is empty of this render's tasks before we return.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    auto states = query_tasks(m_array_ids);
    bool live = !states;
    if (states)
      for (const auto& [id, state] : states.value()) live |= !is_final_state(state.state);
    if (!live) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  m_tasks.clear();
  m_events.clear();
}

std::string SlurmRunner::status_text() const {
  int pending = 0, running = 0;
  for (const auto& [chunk, task] : m_tasks) (task.state == "PENDING" ? pending : running) += 1;
  return fmt::format("tasks {} pending, {} running, {} done", pending + static_cast<int>(m_staged.size()),
                     running, m_done);
}

}  // namespace chunkreel
