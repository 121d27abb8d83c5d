// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/slurm_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "orchestrator/run/system_command.h"
#include "orchestrator/run/worker_messages.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How often the running tasks' output files are read for progress.
constexpr auto k_read_interval = std::chrono::seconds(2);
// A task squeue calls COMPLETED may show its "done" line late (a shared
// filesystem may show a file's end late); one that squeue no longer lists
// may be past MinJobAge. Both are given this long, and two polls, before
// they count as failed.
constexpr auto k_grace = std::chrono::seconds(20);

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

std::string ids_text(const std::vector<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) text += (text.empty() ? "" : " ") + id;
  return text;
}

}  // namespace

struct SlurmRunner::Task {
  WorkerTask task;
  std::string array_id;
  int index = 0;  ///< its index in the array
  std::string out_path;
  std::string err_path;
  std::streamoff out_offset = 0;
  std::string out_buffer;
  std::string state = "PENDING";
  /// squeue showed it running, or its output file exists: Slurm makes that
  /// file when the task starts on its node, and keeps it when it requeues
  /// the task (even one requeued before it wrote a line)
  bool seen_started = false;
  bool restarted = false;     ///< its output file was emptied: Slurm ran it again
  std::string node;
  int64_t mem_mib = 0;  ///< what it asked for
  TaskState slurm;      ///< squeue's latest word on it
  bool done_seen = false;
  Clock::time_point completed_since{};  ///< squeue said COMPLETED, "done" not yet seen
  Clock::time_point missing_since{};    ///< squeue stopped listing it
  int polls_missing = 0;
  WorkerStats stats;
  std::string job() const { return fmt::format("{}_{}", array_id, index); }
};

std::string slurm_task_script(const std::string& worker, const std::string& work_dir) {
  return fmt::format(
      "#!/bin/sh\n"
      "# chunkreel: one task of a job array. Task i renders the chunk on line\n"
      "# i + 1 of the manifest given as $1.\n"
      "chunk=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$1\")\n"
      "case $chunk in\n"
      "  ''|*[!0-9]*) echo \"chunkreel: task $SLURM_ARRAY_TASK_ID has no chunk in $1\" >&2; exit 1 ;;\n"
      "esac\n"
      "job=$(printf '%s/chunk_%05d.json' {} \"$chunk\")\n"
      "printf '{{\"event\":\"node\",\"node\":\"%s\",\"started_at\":%s}}\\n' "
      "\"${{SLURMD_NODENAME:-$(hostname -s)}}\" \"$(date +%s.%N)\"\n"
      "# Each attempt writes through temporary names of its own, named after\n"
      "# its manifest, so a task left running on a lost node never shares one.\n"
      "exec {} \"$job\" --attempt \"$(basename \"$1\" .txt)\"\n",
      shell_line({work_dir}), shell_line({worker}));
}

std::optional<WorkerStats> finished_task_stats(const std::string& work_dir, const std::string& array_id,
                                               int task_index) {
  std::ifstream in(work_dir + "/" + task_output_name(array_id, task_index, false));
  std::string line;
  std::optional<WorkerStats> stats;
  std::string node;
  while (std::getline(in, line)) {
    const WorkerMessage message = parse_worker_line(line);
    if (message.kind == WorkerMessage::Kind::k_node) node = message.node;
    else if (message.kind == WorkerMessage::Kind::k_done) stats = message.stats;
  }
  if (!stats) return std::nullopt;
  stats->node = node;
  stats->slurm_job = fmt::format("{}_{}", array_id, task_index);
  stats->queue_wait_s = -1;
  stats->slurm_run_s = -1;
  return stats;
}

bool task_killed_for_memory(const std::string& work_dir, const std::string& array_id, int task_index) {
  return killed_for_memory("", read_tail(work_dir + "/" + task_output_name(array_id, task_index, true), 4096));
}

SlurmRunner::SlurmRunner(SlurmRunnerOptions options)
    : m_options(std::move(options)), m_client(m_options.log, m_options.keep_trying) {}

SlurmRunner::~SlurmRunner() = default;

bool SlurmRunner::can_run_more() const {
  return running() < std::max(1, m_client.limits().max_job_count / 2);
}

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

// The next manifest's path: a name no earlier run of this work folder used.
std::string SlurmRunner::next_manifest(bool dry_run) {
  for (;; ++m_next_manifest) {
    const std::string path = fmt::format("{}/slurm-tasks-{}.txt", m_options.work_dir, m_next_manifest);
    std::error_code ec;
    if (dry_run || !fs::exists(path, ec)) {
      ++m_next_manifest;
      return path;
    }
  }
}

std::vector<ArraySubmission> SlurmRunner::arrays_for(const std::vector<WorkerTask>& tasks, bool dry_run) {
  // Every task of an array asks for the same memory. Tasks on their first
  // request share one array, asking for the largest of their estimates;
  // a task whose request was raised after a memory kill goes in an array
  // of that size. An array holds at most MaxArraySize tasks.
  int64_t shared = 0;
  for (const WorkerTask& t : tasks)
    if (!m_mem_mib.count(t.chunk)) shared = std::max(shared, mem_mib_for(t.chunk));
  std::map<int64_t, std::vector<int>> by_mem;
  for (const WorkerTask& t : tasks) by_mem[m_mem_mib.count(t.chunk) ? m_mem_mib.at(t.chunk) : shared].push_back(t.chunk);
  const size_t most = static_cast<size_t>(std::max(1, m_client.limits().max_array_size));
  const int saved_manifest = m_next_manifest;
  std::vector<ArraySubmission> arrays;
  for (auto& [mem, chunks] : by_mem) {
    std::sort(chunks.begin(), chunks.end());
    for (size_t first = 0; first < chunks.size(); first += most) {
      ArraySubmission array;
      array.chunks.assign(chunks.begin() + static_cast<std::ptrdiff_t>(first),
                          chunks.begin() + static_cast<std::ptrdiff_t>(std::min(chunks.size(), first + most)));
      array.cpus_per_task = m_options.cpus_per_task;
      array.mem_mib = mem;
      array.script = m_options.script;
      array.work_dir = m_options.work_dir;
      array.job_name = m_options.job_name;
      array.manifest = next_manifest(dry_run);
      // The comment names this submission alone: the manifest's path is
      // new to this work folder, whose path is the render's own.
      array.comment = fmt::format("chunkreel-{:016x}", std::hash<std::string>{}(array.manifest));
      arrays.push_back(std::move(array));
    }
  }
  if (dry_run) m_next_manifest = saved_manifest;
  return arrays;
}

std::vector<std::vector<std::string>> SlurmRunner::sbatch_lines(const std::vector<WorkerTask>& tasks) {
  std::vector<std::vector<std::string>> lines;
  for (const ArraySubmission& array : arrays_for(tasks, true)) lines.push_back(sbatch_array_argv(array, m_options.settings));
  return lines;
}

Expected<void> SlurmRunner::submit_array(ArraySubmission array, const std::map<int, WorkerTask>& staged,
                                         const std::string& after) {
  const std::string manifest = fs::path(array.manifest).filename().string();
  if (m_options.record_file && !(m_options.record_file(manifest) && m_options.record_file(manifest + ".tmp")))
    return Error{fmt::format("{}: cannot record the task manifest in the work folder", array.manifest)};
  const std::string attempt = fs::path(array.manifest).stem().string();
  if (m_options.record_attempt)
    for (int chunk : array.chunks)
      if (!m_options.record_attempt(chunk, attempt))
        return Error{fmt::format("cannot record the temporary files of chunk {}'s attempt {} in the work folder",
                                 chunk, attempt)};
  Expected<void> written = write_file_atomically(array.manifest, task_manifest_text(array.chunks), Replace::k_never,
                                                 own_temporary_path(array.manifest));
  if (!written) return Error{"cannot write the task manifest: " + written.error().message};
  std::vector<std::string> argv = sbatch_array_argv(array, m_options.settings);
  // Arrays split from one request keep to its --slurm-max-running together:
  // each waits for the one before.
  if (!after.empty()) argv.insert(argv.begin() + 2, "--dependency=afterany:" + after);
  auto id = m_client.submit(argv, array.comment);
  if (!id) return id.error();
  if (m_first_submit == Clock::time_point{}) m_first_submit = Clock::now();
  m_arrays.push_back({id.value(), array.chunks});
  for (size_t i = 0; i < array.chunks.size(); ++i) {
    const int chunk = array.chunks[i];
    Task task;
    task.task = staged.at(chunk);
    task.array_id = id.value();
    task.index = static_cast<int>(i);
    task.mem_mib = array.mem_mib;
    m_asked_mib[chunk] = array.mem_mib;
    const std::string out = task_output_name(id.value(), task.index, false);
    const std::string err = task_output_name(id.value(), task.index, true);
    // Slurm makes them; a name that cannot be recorded only means
    // clean-up leaves that file behind.
    if (m_options.record_file) {
      m_options.record_file(out);
      m_options.record_file(err);
    }
    task.out_path = m_options.work_dir + "/" + out;
    task.err_path = m_options.work_dir + "/" + err;
    m_tasks[chunk] = std::move(task);
  }
  return {};
}

Expected<void> SlurmRunner::flush_starts() {
  if (m_staged.empty()) return {};
  std::map<int, WorkerTask> staged;
  for (const WorkerTask& t : m_staged) staged[t.chunk] = t;
  const std::vector<ArraySubmission> arrays = arrays_for(m_staged, false);
  m_staged.clear();
  const bool throttled = m_options.settings.max_running > 0;
  std::string previous;
  for (const ArraySubmission& array : arrays) {
    Expected<void> submitted = submit_array(array, staged, throttled ? previous : "");
    if (!submitted) return submitted;
    previous = m_arrays.back().id;
  }
  m_next_poll = Clock::now() + std::chrono::seconds(1);
  return {};
}

double SlurmRunner::elapsed_s() const {
  return m_first_submit == Clock::time_point{} ? 0
                                               : std::chrono::duration<double>(Clock::now() - m_first_submit).count();
}

void SlurmRunner::read_output(Task& task) {
  std::error_code ec;
  const auto size = fs::file_size(task.out_path, ec);
  if (ec) return;
  task.seen_started = true;
  if (static_cast<std::streamoff>(size) < task.out_offset) {
    // Slurm empties a requeued task's file and writes it again.
    task.restarted = true;
    task.out_offset = 0;
    task.out_buffer.clear();
    task.done_seen = false;
  }
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

void SlurmRunner::finish(Task& task, bool success, const std::string& why, bool lost) {
  WorkerEvent e;
  e.kind = WorkerEvent::Kind::k_finished;
  e.chunk = task.task.chunk;
  e.success = success;
  e.lost = lost;
  if (success) {
    e.stats = task.stats;
    // Slurm's own submit, start and end times, by the controller's clock.
    e.stats.queue_wait_s = task.slurm.queue_wait_s;
    e.stats.slurm_run_s = task.slurm.run_s;
    ++m_done;
  } else {
    e.failure = fmt::format("task {}{} {}", task.job(), task.node.empty() ? "" : " on " + task.node, why);
  }
  e.stats.node = task.node;
  e.stats.slurm_job = task.job();
  m_events.push_back(std::move(e));
  m_tasks.erase(task.task.chunk);
}

void SlurmRunner::poll() {
  for (auto& [chunk, task] : m_tasks) read_output(task);
  std::vector<std::string> ids;
  for (const auto& [chunk, task] : m_tasks)
    if (std::find(ids.begin(), ids.end(), task.array_id) == ids.end()) ids.push_back(task.array_id);
  auto states = m_client.query(ids);
  if (!states) {
    if (m_options.log) m_options.log(states.error().message + "; asking again later");
    return;
  }
  const auto now = Clock::now();
  std::vector<int> ended, lost;
  for (auto& [chunk, task] : m_tasks) {
    const auto found = states.value().find(task.job());
    if (found == states.value().end()) {
      // Forgotten by the controller (past MinJobAge) or not yet listed.
      if (task.missing_since == Clock::time_point{}) task.missing_since = now;
      if (++task.polls_missing < 2 || now - task.missing_since < k_grace) continue;
      task.state = "GONE";
    } else {
      task.missing_since = {};
      task.polls_missing = 0;
      task.state = found->second.state;
      task.slurm = found->second;
      if (task.state == "RUNNING") task.seen_started = true;
      if (!found->second.node.empty() && task.state == "RUNNING") task.node = found->second.node;
    }
    // A task requeued by Slurm (its node lost, preempted, or by an
    // administrator) goes back to PENDING, or shows a state saying so.
    if (is_lost_state(task.state) || (task.state == "PENDING" && (task.seen_started || task.restarted)))
      lost.push_back(chunk);
    else if (is_final_state(task.state) || task.state == "GONE")
      ended.push_back(chunk);
  }
  for (int chunk : lost) {
    Task& task = m_tasks.at(chunk);
    // Cancelled here, so that Slurm does not run it a second time beside
    // the resubmission; a cancel that fails leaves it to run, harmlessly.
    const std::string job = task.job();
    m_client.cancel({job});
    ++m_lost;
    finish(task, false,
           fmt::format("was lost ({}{}); it is submitted again", task.state == "PENDING" ? "requeued" : task.state,
                       task.node.empty() ? "" : ", its node " + task.node),
           true);
  }
  for (int chunk : ended) {
    Task& task = m_tasks.at(chunk);
    read_output(task);
    if (task.done_seen && (task.state == "COMPLETED" || task.state == "GONE")) {
      finish(task, true, "");
      continue;
    }
    if (task.state == "COMPLETED") {
      if (task.completed_since == Clock::time_point{}) task.completed_since = now;
      if (now - task.completed_since < k_grace) continue;
    }
    const std::string err = read_tail(task.err_path, 4096);
    std::string why = task.state == "GONE" ? "left the queue without finishing" : "ended " + task.state;
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
    if (!m_tasks.empty() && now >= m_next_poll) {
      m_last_poll = m_last_read = now;
      poll();
      m_next_poll = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(squeue_interval_s(elapsed_s()) * 1000));
      continue;
    }
    if (!m_tasks.empty() && now - m_last_read >= k_read_interval) {
      m_last_read = now;
      bool all_done = true;
      for (auto& [chunk, task] : m_tasks) {
        if (task.state != "PENDING" || task.seen_started) read_output(task);
        all_done &= task.done_seen;
      }
      // When every task has said "done", squeue need not be waited for.
      if (all_done && now - m_last_poll >= std::chrono::seconds(1)) m_next_poll = now;
      continue;
    }
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(50)));
  }
}

void SlurmRunner::abort_all() {
  m_staged.clear();
  m_events.clear();
  m_tasks.clear();
  if (m_arrays.empty()) return;
  std::vector<std::string> ids;
  for (const SubmittedArray& array : m_arrays) ids.push_back(array.id);
  auto keep_waiting = [this] { return !m_options.keep_waiting || m_options.keep_waiting(); };
  m_client.set_keep_trying(keep_waiting);
  auto say = [this](const std::string& line) {
    if (m_options.log) m_options.log(line);
  };
  auto cancelled = m_client.cancel(ids);
  if (!cancelled) say(cancelled.error().message);
  // The queue is empty of this render's tasks before we return, however
  // long that takes, unless a second Ctrl-C says stop.
  const auto began = Clock::now();
  auto last_cancel = began;
  std::string last_said;
  std::vector<std::string> live;
  for (;;) {
    auto states = m_client.query(ids);
    if (states) {
      live.clear();
      int pending = 0;
      for (const auto& [id, state] : states.value()) {
        if (is_final_state(state.state)) continue;
        live.push_back(id + (state.node.empty() ? "" : " on " + state.node));
        pending += state.state == "PENDING";
      }
      if (live.empty()) return;
      const std::string line =
          fmt::format("waiting for {} task{} of job{} {} to leave the queue ({} running or ending, {} pending)",
                      live.size(), live.size() == 1 ? "" : "s", ids.size() == 1 ? "" : "s", ids_text(ids),
                      static_cast<int>(live.size()) - pending, pending);
      if (line != last_said) say(line + "; Ctrl-C again stops waiting");
      last_said = line;
      // A cancel the controller lost is sent again now and then.
      if (Clock::now() - last_cancel > std::chrono::seconds(30)) {
        m_client.cancel(ids);
        last_cancel = Clock::now();
      }
    }
    const double waited = std::chrono::duration<double>(Clock::now() - began).count();
    const auto pause_until = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(
                                                 1000 * std::min(10.0, 1.0 + waited / 10.0)));
    while (Clock::now() < pause_until && keep_waiting()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!keep_waiting()) break;
  }
  std::string tasks;
  for (const std::string& t : live) tasks += (tasks.empty() ? "" : ", ") + t;
  say(fmt::format("stopped waiting; these tasks may still be in the queue: {}; to cancel them: scancel {}",
                  tasks.empty() ? "unknown (squeue did not answer)" : tasks, ids_text(ids)));
}

std::string SlurmRunner::status_text() const {
  int pending = 0, running = 0;
  for (const auto& [chunk, task] : m_tasks) (task.state == "PENDING" ? pending : running) += 1;
  return fmt::format("tasks {} pending, {} running, {} done", pending + static_cast<int>(m_staged.size()),
                     running, m_done);
}

}  // namespace chunkreel
