#include "orchestrator/scheduler.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>

namespace chunkreel {

ChunkQueue::ChunkQueue(std::vector<ScheduledChunk> chunks) {
  // Costliest first, so the longest chunk cannot become the tail; ties keep
  // show order.
  std::stable_sort(chunks.begin(), chunks.end(),
                   [](const ScheduledChunk& a, const ScheduledChunk& b) { return a.cost > b.cost; });
  m_ready.assign(chunks.begin(), chunks.end());
  m_total = static_cast<int>(chunks.size());
}

ScheduledChunk ChunkQueue::take() {
  ScheduledChunk next = m_ready.front();
  m_ready.pop_front();
  return next;
}

void ChunkQueue::retry(const ScheduledChunk& chunk) { m_ready.push_front(chunk); }

ScheduleResult run_schedule(std::vector<ScheduledChunk> chunks, CommandRunner& runner,
                            const ScheduleOptions& options, ScheduleObserver& observer,
                            const std::atomic<bool>& interrupted) {
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  auto now_s = [&] { return std::chrono::duration<double>(Clock::now() - began).count(); };

  ScheduleResult result;
  ChunkQueue queue(std::move(chunks));
  std::map<int, ScheduledChunk> by_chunk;
  std::map<int, int> attempts;
  std::map<int, WorkerTask> running;  // by chunk
  std::map<int, double> started_at;
  std::vector<bool> slot_busy;
  auto last_tick = began;
  // Memory admission: the estimated peaks of the running chunks, corrected
  // by what finished chunks actually used.
  std::map<int, int64_t> admitted;  // by chunk
  double max_ratio = 0;
  // After an out-of-memory kill, fewer chunks run beside the retry.
  int concurrency_cap = std::numeric_limits<int>::max();
  auto corrected = [&](const ScheduledChunk& c) {
    return static_cast<int64_t>(c.estimated_peak_bytes * result.estimate_correction);
  };
  auto fits = [&](const ScheduledChunk& c) {
    if (options.memory_budget <= 0 || admitted.empty()) return true;
    int64_t in_use = 0;
    for (const auto& [chunk, bytes] : admitted) in_use += bytes;
    return in_use + corrected(c) <= options.memory_budget;
  };

  auto free_slot = [&] {
    for (size_t i = 0; i < slot_busy.size(); ++i)
      if (!slot_busy[i]) return static_cast<int>(i);
    slot_busy.push_back(false);
    return static_cast<int>(slot_busy.size() - 1);
  };

  while (!queue.all_finished()) {
    if (interrupted.load()) {
      runner.abort_all();
      result.interrupted = true;
      return result;
    }
    while (queue.has_ready() && runner.can_run_more() && result.failure.empty() &&
           static_cast<int>(running.size()) < concurrency_cap && fits(queue.peek())) {
      ScheduledChunk next = queue.take();
      by_chunk[next.chunk] = next;
      WorkerTask task;
      task.chunk = next.chunk;
      task.attempt = ++attempts[next.chunk];
      task.slot = free_slot();
      task.job_path = next.job_path;
      Expected<void> started = runner.start(task);
      if (!started) {
        result.failure = started.error().message;
        break;
      }
      slot_busy[task.slot] = true;
      admitted[task.chunk] = corrected(next);
      running[task.chunk] = task;
      result.max_running = std::max(result.max_running, static_cast<int>(running.size()));
      started_at[task.chunk] = now_s();
      observer.chunk_started(task);
    }
    if (!result.failure.empty() && runner.running() == 0) return result;

    WorkerEvent event;
    const bool got = runner.wait(&event, std::chrono::milliseconds(100));
    if (Clock::now() - last_tick >= std::chrono::milliseconds(100)) {
      last_tick = Clock::now();
      observer.tick(runner);
    }
    if (!got) continue;
    if (event.kind == WorkerEvent::Kind::k_progress) {
      observer.chunk_progress(event.chunk, event.frames_done);
      continue;
    }
    const WorkerTask task = running[event.chunk];
    running.erase(event.chunk);
    admitted.erase(event.chunk);
    slot_busy[task.slot] = false;
    result.attempts.push_back(
        {event.chunk, task.attempt, task.slot, started_at[event.chunk], now_s(), event.success});
    if (event.success) {
      const int64_t estimate = by_chunk[event.chunk].estimated_peak_bytes;
      if (estimate > 0 && event.stats.peak_rss_bytes > 0) {
        max_ratio = std::max(max_ratio, double(event.stats.peak_rss_bytes) / double(estimate));
        result.estimate_correction = 1.1 * max_ratio;
      }
      ChunkRun run;
      run.chunk = event.chunk;
      run.attempts = task.attempt;
      run.slot = task.slot;
      run.start_s = started_at[event.chunk];
      run.end_s = now_s();
      run.stats = event.stats;
      result.runs.push_back(run);
      queue.finished();
      observer.chunk_finished(run);
      continue;
    }
    const bool will_retry = task.attempt <= options.retries && result.failure.empty();
    if (event.out_of_memory)
      concurrency_cap = std::max(1, std::min(concurrency_cap, static_cast<int>(running.size())));
    observer.chunk_failed(event.chunk, task.attempt, event.failure, will_retry);
    if (will_retry) {
      queue.retry(by_chunk[event.chunk]);
    } else {
      if (result.failure.empty()) result.failed_chunk = event.chunk;
      if (result.failure.empty())
        result.failure = "chunk " + std::to_string(event.chunk) + " failed after " +
                         std::to_string(task.attempt) + " attempt" +
                         (task.attempt == 1 ? "" : "s") + ": " + event.failure;
      // Let the running chunks finish so their work is kept; start no more.
      if (runner.running() == 0) return result;
    }
  }
  return result;
}

}  // namespace chunkreel
