// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/scheduler.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>

namespace chunkreel {
namespace {

using Clock = std::chrono::steady_clock;
// Lost attempts a chunk may have beyond its --retries.
constexpr int k_max_lost_attempts = 5;

// One run of the loop's state. Everything keyed by chunk lives in one
// record per running chunk, so starting and ending a chunk touch one place.
class Schedule {
 public:
  Schedule(std::vector<ScheduledChunk> chunks, CommandRunner& runner, const ScheduleOptions& options,
           ScheduleObserver& observer)
      : m_queue(std::move(chunks)), m_runner(runner), m_options(options), m_observer(observer),
        m_began(Clock::now()), m_last_tick(m_began) {
    m_result.estimate_correction = options.unmeasured_correction;
    if (options.measure_first && options.memory_budget > 0 && m_queue.has_ready()) {
      m_largest_chunk = m_queue.largest_estimate();
      m_queue.move_to_front(m_largest_chunk);
      m_measuring = true;
    }
  }

  ScheduleResult run(const std::atomic<bool>& interrupted) {
    while (!m_queue.all_finished()) {
      if (interrupted.load()) {
        m_runner.abort_all();
        m_result.interrupted = true;
        break;
      }
      start_what_fits();
      if (stopping() && m_runner.running() == 0) break;
      WorkerEvent event;
      // While the budget is on trial, the lone worker is watched closely.
      const bool got = m_runner.wait(&event, std::chrono::milliseconds(m_watched >= 0 ? 10 : 100));
      tick();
      // Every event already waiting is handled before anything starts: a
      // runner may have freed an ended worker's place while that worker's
      // end still sits behind its last progress report, and its slot and
      // admitted memory are only given back when the end is handled.
      if (got) {
        handle(event);
        while (m_runner.wait(&event, std::chrono::milliseconds(0))) handle(event);
      }
      if (m_watched >= 0 && m_running.count(m_watched)) watch_lone_worker();
    }
    return std::move(m_result);
  }

 private:
  struct Running {
    ScheduledChunk chunk;
    WorkerTask task;
    double started_s = 0;
    int64_t admitted_bytes = 0;  ///< its corrected estimate, counted against the budget
  };

  double now_s() const { return std::chrono::duration<double>(Clock::now() - m_began).count(); }
  bool stopping() const { return !m_result.failure.empty(); }

  int64_t corrected(const ScheduledChunk& c) const {
    return static_cast<int64_t>(c.estimated_peak_bytes * m_result.estimate_correction);
  }

  // Memory admission: a chunk starts only when its corrected estimate fits
  // beside the running chunks'. The first chunk always starts, so a budget
  // the plan accepted can never stall the run.
  bool fits(const ScheduledChunk& c) const {
    // Measuring first: the chunk with the largest estimate runs alone.
    if (m_measuring) return m_running.empty() && m_queue.peek().chunk == m_largest_chunk;
    if (m_options.memory_budget <= 0 || m_running.empty()) return true;
    int64_t in_use = 0;
    for (const auto& [chunk, r] : m_running) in_use += r.admitted_bytes;
    return in_use + corrected(c) <= m_options.memory_budget;
  }

  int free_slot() {
    for (size_t i = 0; i < m_slot_busy.size(); ++i)
      if (!m_slot_busy[i]) return static_cast<int>(i);
    m_slot_busy.push_back(false);
    return static_cast<int>(m_slot_busy.size() - 1);
  }

  void start_what_fits() {
    while (m_queue.has_ready() && m_runner.can_run_more() && !stopping() &&
           static_cast<int>(m_running.size()) < m_concurrency_cap) {
      if (m_options.estimate_at_start)
        m_queue.set_next_estimate(m_options.estimate_at_start(m_queue.peek().chunk));
      if (!fits(m_queue.peek())) break;
      Running r;
      r.chunk = m_queue.take();
      r.task.chunk = r.chunk.chunk;
      r.task.attempt = ++m_attempts[r.chunk.chunk];
      r.task.slot = free_slot();
      r.task.job_path = r.chunk.job_path;
      Expected<void> started = m_runner.start(r.task);
      if (!started) {
        m_result.failure = started.error().message;
        return;
      }
      m_slot_busy[r.task.slot] = true;
      r.admitted_bytes = corrected(r.chunk);
      r.started_s = now_s();
      // A chunk starts beyond its fit only alone (the first-chunk rule):
      // the measured chunk, or a later one whose learned estimate is past
      // the budget. Its estimate cannot show that the budget holds, so it
      // is watched as the measured chunk is.
      if (m_options.memory_budget > 0 && m_options.budget_given &&
          (m_measuring || r.admitted_bytes > m_options.memory_budget))
        m_watched = r.chunk.chunk;
      const WorkerTask task = r.task;
      m_running[task.chunk] = std::move(r);
      m_result.max_running = std::max(m_result.max_running, static_cast<int>(m_running.size()));
      m_observer.chunk_started(task);
    }
    Expected<void> submitted = m_runner.flush_starts();
    if (!submitted && !stopping()) m_result.failure = submitted.error().message;
  }

  // The budget must hold even while it is measured: a lone worker that goes
  // past it is stopped, and the run ends naming the estimate as the budget
  // to try (its own peak stays unknown, above the budget): the plan's
  // estimate before any chunk has been measured, the learned one after.
  void watch_lone_worker() {
    int64_t resident = 0;
    for (int64_t bytes : m_runner.live_rss_bytes()) resident += bytes;
    if (resident <= m_options.memory_budget) return;
    m_runner.abort_all();
    const Running& lone = m_running.begin()->second;
    m_result.attempts.push_back({lone.task.chunk, lone.task.attempt, lone.task.slot, lone.started_s, now_s(),
                                 false, ""});
    m_result.budget_needed =
        std::max(resident, m_max_ratio > 0 ? lone.admitted_bytes : lone.chunk.estimated_peak_bytes);
    m_result.budget_passed_chunk = lone.task.chunk;
    m_result.failure = "a worker went past the memory budget";
    m_running.clear();
    m_measuring = false;
    m_watched = -1;
  }

  void tick() {
    if (Clock::now() - m_last_tick < std::chrono::milliseconds(100)) return;
    m_last_tick = Clock::now();
    m_observer.tick(m_runner);
  }

  void handle(const WorkerEvent& event) {
    if (event.kind == WorkerEvent::Kind::k_progress) {
      m_observer.chunk_progress(event.chunk, event.frames_done);
      return;
    }
    const Running ended = std::move(m_running.at(event.chunk));
    m_running.erase(event.chunk);
    m_slot_busy[ended.task.slot] = false;
    m_result.attempts.push_back({event.chunk, ended.task.attempt, ended.task.slot, ended.started_s, now_s(),
                                 event.success, event.stats.node});
    if (event.success)
      succeeded(ended, event);
    else
      failed(ended, event);
  }

  void succeeded(const Running& ended, const WorkerEvent& event) {
    // Estimates learn from measured peaks: every later admission uses the
    // largest measured/estimated ratio so far, plus 10%.
    const int64_t estimate = ended.chunk.estimated_peak_bytes;
    if (m_measuring && ended.chunk.chunk == m_largest_chunk) m_measuring = false;
    if (ended.chunk.chunk == m_watched) {
      m_watched = -1;
      if (event.stats.peak_rss_bytes > m_options.memory_budget) {
        m_result.budget_needed = event.stats.peak_rss_bytes;
        m_result.budget_measured = true;
        m_result.failure = "a worker needs more than the memory budget";
      }
    }
    if (estimate > 0 && event.stats.peak_rss_bytes > 0) {
      m_max_ratio = std::max(m_max_ratio, double(event.stats.peak_rss_bytes) / double(estimate));
      m_result.estimate_correction = 1.1 * m_max_ratio;
    }
    ChunkRun run;
    run.chunk = event.chunk;
    run.attempts = ended.task.attempt;
    run.slot = ended.task.slot;
    run.start_s = ended.started_s;
    run.end_s = now_s();
    run.estimated_peak_bytes = estimate;
    run.stats = event.stats;
    m_result.runs.push_back(run);
    m_queue.finished();
    m_observer.chunk_finished(run);
  }

  void failed(const Running& ended, const WorkerEvent& event) {
    if (ended.chunk.chunk == m_watched) m_watched = -1;  // a retry is watched again when it starts
    const int attempt = ended.task.attempt;
    // A lost attempt (its node died) is no sign of a bad chunk: it does not
    // count against --retries, but a chunk lost again and again still ends.
    if (event.lost) ++m_lost[event.chunk];
    const int lost = m_lost.count(event.chunk) ? m_lost.at(event.chunk) : 0;
    const bool will_retry = attempt - lost <= m_options.retries && lost <= k_max_lost_attempts && !stopping();
    // The out-of-memory rule (local workers; a farm runner raises its own
    // memory request instead). A worker killed by SIGKILL was most likely
    // chosen by the kernel's OOM killer: the workers together did not fit,
    // whatever the estimates said. Retrying at the same concurrency would
    // only be killed again, so from now on at most as many chunks run as
    // were still running when it died (at least one, so the run can finish).
    // The cap never rises again in this run: memory pressure from outside
    // (other programs) does not announce when it ends.
    if (event.out_of_memory)
      m_concurrency_cap = std::max(1, std::min(m_concurrency_cap, static_cast<int>(m_running.size())));
    m_observer.chunk_failed(event.chunk, attempt, event.failure, will_retry);
    if (will_retry) {
      m_queue.retry(ended.chunk);
      return;
    }
    if (stopping()) return;
    // Out of attempts: start nothing more, but let the running chunks finish
    // so their work is kept for --resume.
    m_result.failed_chunk = event.chunk;
    m_result.failure = "chunk " + std::to_string(event.chunk) + " failed after " +
                       std::to_string(attempt) + " attempt" + (attempt == 1 ? "" : "s") + ": " +
                       event.failure;
  }

  ChunkQueue m_queue;
  CommandRunner& m_runner;
  const ScheduleOptions& m_options;
  ScheduleObserver& m_observer;
  Clock::time_point m_began;
  Clock::time_point m_last_tick;
  ScheduleResult m_result;
  std::map<int, Running> m_running;  ///< by chunk
  std::map<int, int> m_attempts;     ///< by chunk: attempts started
  std::map<int, int> m_lost;         ///< by chunk: attempts lost (WorkerEvent::lost)
  std::vector<bool> m_slot_busy;
  double m_max_ratio = 0;
  bool m_measuring = false;  ///< measure_first, until the largest chunk ends
  int m_largest_chunk = -1;
  int m_watched = -1;  ///< the lone chunk running beyond its fit, watched every 10 ms
  int m_concurrency_cap = std::numeric_limits<int>::max();
};

}  // namespace

ScheduleResult run_schedule(std::vector<ScheduledChunk> chunks, CommandRunner& runner,
                            const ScheduleOptions& options, ScheduleObserver& observer,
                            const std::atomic<bool>& interrupted) {
  return Schedule(std::move(chunks), runner, options, observer).run(interrupted);
}

}  // namespace chunkreel
