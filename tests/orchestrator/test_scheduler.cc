// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>

#include "orchestrator/run/scheduler.h"

using namespace chunkreel;

namespace {

// A runner that starts nothing: each started task finishes on the next
// wait(), failing as often as the test says.
class FakeRunner : public CommandRunner {
 public:
  explicit FakeRunner(int capacity) : m_capacity(capacity) {}

  bool can_run_more() const override { return static_cast<int>(m_running.size()) < m_capacity; }
  Expected<void> start(const WorkerTask& task) override {
    m_running.push_back(task);
    started.push_back(task);
    concurrency.push_back(static_cast<int>(m_running.size()));
    max_running = std::max(max_running, static_cast<int>(m_running.size()));
    return {};
  }
  bool wait(WorkerEvent* event, std::chrono::milliseconds timeout) override {
    if (!m_queued.empty()) {
      *event = m_queued.front();
      m_queued.pop_front();
      return true;
    }
    // A wait of zero takes only what is already there; any other wait ends
    // the longest-running task.
    if (m_running.empty() || timeout.count() == 0) return false;
    if (silent_waits > 0) {
      --silent_waits;
      return false;
    }
    if (silent_waits_of[m_running.front().chunk] > 0) {
      --silent_waits_of[m_running.front().chunk];
      return false;
    }
    WorkerTask task = m_running.front();
    m_running.pop_front();
    if (progress_before_end) {
      // As the worker pool does: the process is reaped (its place is
      // free) while its last progress report is still ahead of its end.
      WorkerEvent progress;
      progress.kind = WorkerEvent::Kind::k_progress;
      progress.chunk = task.chunk;
      progress.frames_done = 10;
      WorkerEvent end;
      finish(task, &end);
      m_queued.push_back(end);
      *event = progress;
      return true;
    }
    finish(task, event);
    return true;
  }
  void finish(const WorkerTask& task, WorkerEvent* event) {
    event->kind = WorkerEvent::Kind::k_finished;
    event->chunk = task.chunk;
    event->success = failures[task.chunk]-- <= 0;
    if (!event->success) event->failure = "worker was killed by SIGKILL";
    event->out_of_memory = !event->success && oom;
    event->stats.frames = 10;
    event->stats.wall_s = 1;
    event->stats.peak_rss_bytes = peaks.count(task.chunk) ? peaks[task.chunk] : measured_peak;
  }
  int running() const override { return static_cast<int>(m_running.size()); }
  std::vector<int64_t> live_rss_bytes() const override {
    return m_running.empty() ? std::vector<int64_t>{} : std::vector<int64_t>(m_running.size(), live_rss);
  }
  void abort_all() override {
    aborted = true;
    m_running.clear();
  }

  std::map<int, int> failures;  ///< failures to give before succeeding
  int64_t measured_peak = 0;    ///< what finished workers report
  bool oom = false;             ///< failures look like the out-of-memory killer
  int silent_waits = 0;         ///< waits that return nothing before a task ends
  std::map<int, int> silent_waits_of;  ///< the same, while the given chunk runs longest
  std::map<int, int64_t> peaks;        ///< by chunk, where it differs from measured_peak
  int64_t live_rss = 0;         ///< what each running worker holds meanwhile
  bool progress_before_end = false;  ///< a worker's end comes one wait after its place frees
  std::vector<WorkerTask> started;
  std::vector<int> concurrency;  ///< workers running just after each start
  int max_running = 0;
  bool aborted = false;

 private:
  int m_capacity;
  std::deque<WorkerTask> m_running;
  std::deque<WorkerEvent> m_queued;
};

class RecordingObserver : public ScheduleObserver {
 public:
  void chunk_failed(int chunk, int, const std::string&, bool will_retry) override {
    failed.push_back({chunk, will_retry});
  }
  std::vector<std::pair<int, bool>> failed;
};

std::vector<ScheduledChunk> chunks_with_costs(std::vector<double> costs) {
  std::vector<ScheduledChunk> chunks;
  for (size_t i = 0; i < costs.size(); ++i)
    chunks.push_back({static_cast<int>(i), "job" + std::to_string(i), costs[i]});
  return chunks;
}

}  // namespace

TEST_CASE("the worker cap holds and costly chunks start first") {
  FakeRunner runner(2);
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  ScheduleResult result = run_schedule(chunks_with_costs({1, 5, 3, 9, 2}), runner, {}, observer, interrupted);
  CHECK(result.failure.empty());
  CHECK(result.runs.size() == 5);
  CHECK(runner.max_running == 2);
  REQUIRE(runner.started.size() == 5);
  CHECK(runner.started[0].chunk == 3);  // cost 9
  CHECK(runner.started[1].chunk == 1);  // cost 5
  CHECK(runner.started[2].chunk == 2);  // cost 3
  // Slots are reused, never more than the cap.
  for (const WorkerTask& t : runner.started) CHECK(t.slot < 2);
}

// The worker pool reaps a finished worker (freeing its place) while the
// worker's last progress report is still queued ahead of its end; the
// scheduler must not start a chunk in a slot the ended one still holds.
TEST_CASE("slots stay under the cap when a worker's end arrives after its place is free") {
  FakeRunner runner(2);
  runner.progress_before_end = true;
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  ScheduleResult result = run_schedule(chunks_with_costs({1, 5, 3, 9, 2, 4}), runner, {}, observer, interrupted);
  CHECK(result.failure.empty());
  CHECK(result.runs.size() == 6);
  for (const WorkerTask& t : runner.started) CHECK(t.slot < 2);
  for (const ChunkRun& run : result.runs) CHECK(run.slot < 2);
}

TEST_CASE("a failed chunk is retried with the same job and its attempts counted") {
  FakeRunner runner(2);
  runner.failures[1] = 2;
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  ScheduleOptions options;
  options.retries = 2;
  ScheduleResult result = run_schedule(chunks_with_costs({1, 1, 1}), runner, options, observer, interrupted);
  CHECK(result.failure.empty());
  REQUIRE(result.runs.size() == 3);
  for (const ChunkRun& run : result.runs) CHECK(run.attempts == (run.chunk == 1 ? 3 : 1));
  int starts_of_1 = 0;
  for (const WorkerTask& t : runner.started) starts_of_1 += t.chunk == 1 && t.job_path == "job1";
  CHECK(starts_of_1 == 3);
  CHECK(observer.failed.size() == 2);
}

TEST_CASE("when retries run out the run stops naming the chunk and keeps finished ones") {
  FakeRunner runner(1);
  runner.failures[2] = 10;
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  ScheduleOptions options;
  options.retries = 1;
  ScheduleResult result = run_schedule(chunks_with_costs({3, 2, 5}), runner, options, observer, interrupted);
  CHECK_THAT(result.failure, Catch::Matchers::Contains("chunk 2 failed after 2 attempts"));
  CHECK_THAT(result.failure, Catch::Matchers::Contains("SIGKILL"));
  CHECK(observer.failed.back() == std::make_pair(2, false));
  // Chunk 2 was costliest so ran first; nothing else started after it gave up.
  CHECK(result.runs.empty());
}

namespace {

// Raises the interrupt flag, as the signal handler would, once the first
// chunk has finished: workers are running at that moment.
class InterruptAfterFirst : public ScheduleObserver {
 public:
  explicit InterruptAfterFirst(std::atomic<bool>* flag) : m_flag(flag) {}
  void chunk_finished(const ChunkRun&) override { m_flag->store(true); }

 private:
  std::atomic<bool>* m_flag;
};

}  // namespace

TEST_CASE("an interrupt while workers run stops them all and starts nothing more") {
  FakeRunner runner(2);
  std::atomic<bool> interrupted{false};
  InterruptAfterFirst observer(&interrupted);
  ScheduleResult result = run_schedule(chunks_with_costs({1, 2, 3, 4, 5}), runner, {}, observer, interrupted);
  CHECK(result.interrupted);
  CHECK(runner.aborted);
  CHECK(result.runs.size() == 1);       // the finished chunk is kept
  CHECK(runner.started.size() == 2);    // the two that were running; none after
  CHECK(runner.running() == 0);         // every worker was stopped
}

namespace {

std::vector<ScheduledChunk> chunks_with_peaks(int count, int64_t peak) {
  std::vector<ScheduledChunk> chunks;
  for (int i = 0; i < count; ++i) chunks.push_back({i, "job" + std::to_string(i), 1.0, peak});
  return chunks;
}

}  // namespace

TEST_CASE("memory admission keeps the estimated peaks under the budget") {
  std::atomic<bool> interrupted{false};
  RecordingObserver observer;
  ScheduleOptions options;
  SECTION("a budget for one worker runs them one at a time") {
    FakeRunner runner(4);
    options.memory_budget = 150;
    ScheduleResult result = run_schedule(chunks_with_peaks(5, 100), runner, options, observer, interrupted);
    CHECK(result.runs.size() == 5);
    CHECK(runner.max_running == 1);
  }
  SECTION("a budget for three runs three, under a cap of four") {
    FakeRunner runner(4);
    options.memory_budget = 300;
    ScheduleResult result = run_schedule(chunks_with_peaks(6, 100), runner, options, observer, interrupted);
    CHECK(result.runs.size() == 6);
    CHECK(runner.max_running == 3);
  }
  SECTION("measured peaks above the estimate tighten admission") {
    FakeRunner runner(4);
    runner.measured_peak = 150;  // 1.5x the estimate of 100
    options.memory_budget = 400;
    ScheduleResult result = run_schedule(chunks_with_peaks(8, 100), runner, options, observer, interrupted);
    CHECK(result.runs.size() == 8);
    CHECK(result.estimate_correction == Approx(1.65));
    // Four fit at first (4 x 100). Once the first reports 150, new chunks
    // count 165 each, so at most two of those run together.
    REQUIRE(runner.concurrency.size() == 8);
    CHECK(runner.concurrency[3] == 4);
    CHECK(runner.concurrency[6] == 2);
    CHECK(runner.concurrency[7] == 2);
  }
  SECTION("until a chunk is measured, estimates keep the room an unmeasured estimate needs") {
    // Three estimates of 100 fit a budget of 320; with 15% room
    // each counts 115, so two run at first. Once the first reports its
    // peak (100, as estimated), chunks count 110 and two still run.
    FakeRunner runner(4);
    options.memory_budget = 320;
    options.unmeasured_correction = 1.15;
    runner.measured_peak = 100;
    ScheduleResult result = run_schedule(chunks_with_peaks(6, 100), runner, options, observer, interrupted);
    CHECK(result.runs.size() == 6);
    REQUIRE(runner.concurrency.size() == 6);
    CHECK(runner.concurrency[0] == 1);
    CHECK(runner.concurrency[1] == 2);
    CHECK(runner.max_running == 2);
    CHECK(result.estimate_correction == Approx(1.1));
  }
  SECTION("no budget: the cap alone") {
    FakeRunner runner(3);
    ScheduleResult result = run_schedule(chunks_with_peaks(6, 1000), runner, options, observer, interrupted);
    CHECK(runner.max_running == 3);
  }
}

TEST_CASE("after an out-of-memory kill fewer chunks run beside the retry") {
  FakeRunner runner(3);
  runner.failures[0] = 1;
  runner.oom = true;
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  ScheduleResult result = run_schedule(chunks_with_costs({9, 1, 1, 1, 1, 1}), runner, {}, observer, interrupted);
  CHECK(result.runs.size() == 6);
  REQUIRE(runner.concurrency.size() == 7);
  CHECK(runner.concurrency[2] == 3);  // before the kill: the full cap
  // Chunk 0 failed first, with two others still running: from then on at
  // most two run at once.
  for (size_t i = 3; i < runner.concurrency.size(); ++i) CHECK(runner.concurrency[i] <= 2);
}

TEST_CASE("a budget below the estimates runs the largest-estimate chunk alone, then admits by its measured peak") {
  FakeRunner runner(2);
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  std::vector<ScheduledChunk> chunks = chunks_with_costs({5, 4, 3, 2});
  for (ScheduledChunk& c : chunks) c.estimated_peak_bytes = 400;
  chunks[2].estimated_peak_bytes = 500;  // not the costliest, but the largest estimate
  ScheduleOptions options;
  options.memory_budget = 450;
  options.measure_first = true;
  runner.measured_peak = 200;  // far below every estimate
  ScheduleResult result = run_schedule(chunks, runner, options, observer, interrupted);
  CHECK(result.failure.empty());
  CHECK(result.budget_needed == 0);
  CHECK(result.runs.size() == 4);
  REQUIRE(!runner.started.empty());
  CHECK(runner.started[0].chunk == 2);
  CHECK(runner.concurrency[0] == 1);
  // Measured 200 against 500 estimated: later estimates shrink to 0.44 of
  // themselves (with the 10% margin), so two of 400 fit in 450.
  CHECK(runner.max_running == 2);
}

TEST_CASE("a budget that the measured peak exceeds stops the run and names the peak") {
  FakeRunner runner(2);
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  std::vector<ScheduledChunk> chunks = chunks_with_costs({5, 4, 3});
  for (ScheduledChunk& c : chunks) c.estimated_peak_bytes = 400;
  ScheduleOptions options;
  options.memory_budget = 300;
  options.measure_first = true;
  runner.measured_peak = 350;
  ScheduleResult result = run_schedule(chunks, runner, options, observer, interrupted);
  CHECK(result.budget_needed == 350);
  CHECK_FALSE(result.failure.empty());
  CHECK(runner.started.size() == 1);
  CHECK(result.runs.size() == 1);  // its work is kept
}

TEST_CASE("a lone worker that goes past the budget while it is measured is stopped at once") {
  FakeRunner runner(2);
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  std::vector<ScheduledChunk> chunks = chunks_with_costs({5, 4});
  for (ScheduledChunk& c : chunks) c.estimated_peak_bytes = 400;
  ScheduleOptions options;
  options.memory_budget = 300;
  options.measure_first = true;
  runner.silent_waits = 5;
  runner.live_rss = 320;
  ScheduleResult result = run_schedule(chunks, runner, options, observer, interrupted);
  CHECK(runner.aborted);
  CHECK(result.budget_passed_chunk == 0);
  CHECK(result.budget_needed == 400);  // the estimate: its real peak is unknown
  CHECK_FALSE(result.budget_measured);
  CHECK(result.runs.empty());
  CHECK(runner.started.size() == 1);
}

TEST_CASE("admission counts the estimate asked for at each chunk's start") {
  FakeRunner runner(4);
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  ScheduleOptions options;
  options.memory_budget = 300;
  // As if every chunk after the first found its shared pictures written:
  // the plan says 200 each, the estimate at the start 100.
  std::vector<int> asked;
  options.estimate_at_start = [&](int chunk) -> int64_t {
    asked.push_back(chunk);
    return chunk == 0 ? 200 : 100;
  };
  ScheduleResult result = run_schedule(chunks_with_peaks(6, 200), runner, options, observer, interrupted);
  REQUIRE(result.runs.size() == 6);
  // 200 + 100 at first; three of 100 once the first has finished.
  REQUIRE(runner.concurrency.size() == 6);
  CHECK(runner.concurrency[1] == 2);
  CHECK(runner.max_running == 3);
  for (const ChunkRun& run : result.runs) CHECK(run.estimated_peak_bytes == (run.chunk == 0 ? 200 : 100));
  for (int chunk = 0; chunk < 6; ++chunk) CHECK(std::count(asked.begin(), asked.end(), chunk) >= 1);
}

// Three chunks estimated at 400 under a budget of 450, which holds one
// estimate but not two; the first peaks at 440, 1.1 x its estimate, so
// the later ones' estimates become 400 x 1.21 = 484, past the budget.
ScheduleResult run_after_a_high_peak(FakeRunner& runner) {
  RecordingObserver observer;
  std::atomic<bool> interrupted{false};
  std::vector<ScheduledChunk> chunks = chunks_with_costs({5, 4, 3});
  for (ScheduledChunk& c : chunks) c.estimated_peak_bytes = 400;
  ScheduleOptions options;
  options.memory_budget = 450;
  return run_schedule(chunks, runner, options, observer, interrupted);
}

// After the first chunk, estimates grow by what it measured; a chunk whose
// grown estimate no longer fits the budget still starts, alone, and must
// not be left to pass the budget unseen.
TEST_CASE("a lone chunk whose learned estimate is past the budget is watched and stopped if it goes past") {
  FakeRunner runner(2);
  runner.peaks[0] = 440;
  runner.silent_waits_of[1] = 3;
  runner.live_rss = 460;
  ScheduleResult result = run_after_a_high_peak(runner);
  CHECK(runner.aborted);
  CHECK(result.budget_passed_chunk == 1);
  CHECK(result.budget_needed == 484);  // the learned estimate, above what it had reached
  CHECK_FALSE(result.budget_measured);
  CHECK(result.runs.size() == 1);  // the first chunk's work is kept
  CHECK(runner.started.size() == 2);
}

TEST_CASE("a lone chunk past its learned fit that peaks above the budget ends the run naming its peak") {
  FakeRunner runner(2);
  runner.peaks[0] = 440;
  runner.peaks[1] = 470;  // a spike between samples
  ScheduleResult result = run_after_a_high_peak(runner);
  CHECK_FALSE(runner.aborted);
  CHECK(result.budget_measured);
  CHECK(result.budget_needed == 470);
  CHECK_FALSE(result.failure.empty());
  CHECK(result.runs.size() == 2);
  CHECK(runner.started.size() == 2);  // nothing starts after it
}

TEST_CASE("a lone chunk past its learned fit that stays inside the budget lets the run go on") {
  FakeRunner runner(2);
  runner.peaks[0] = 440;
  runner.silent_waits_of[1] = 3;
  runner.live_rss = 445;
  ScheduleResult result = run_after_a_high_peak(runner);
  CHECK_FALSE(runner.aborted);
  CHECK(result.failure.empty());
  CHECK(result.runs.size() == 3);
  CHECK(runner.max_running == 1);
}
