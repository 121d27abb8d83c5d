// SPDX-License-Identifier: GPL-2.0-or-later
// The real process runner, driven with stand-in worker scripts: a worker
// that reports and exits, one that crashes, one that goes silent.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <limits>
#include <thread>

#include "orchestrator/run/worker_pool.h"
#include "tests/test_support.h"

using namespace chunkreel;
using namespace std::chrono_literals;

namespace {

std::string script(const test::TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir / name;
  test::write_text(path, "#!/bin/sh\n" + body);
  ::chmod(path.c_str(), 0755);
  return path;
}

WorkerEvent finish(WorkerPool& pool) {
  WorkerEvent event;
  for (int i = 0; i < 200; ++i) {
    if (pool.wait(&event, 100ms) && event.kind == WorkerEvent::Kind::k_finished) return event;
  }
  FAIL("no worker finished");
  return event;
}

}  // namespace

TEST_CASE("a worker's progress and final report arrive as events") {
  test::TempDir dir;
  WorkerPool pool(script(dir, "ok.sh",
                         "echo '{\"event\":\"progress\",\"frames_done\":5}'\n"
                         "echo '{\"event\":\"done\",\"frames\":10,\"bytes\":1234,\"wall_s\":0.5,"
                         "\"cpu_s\":0.4,\"kernel_s\":0.05,\"startup_s\":0.1,\"peak_rss_bytes\":4096}'\n"),
                  1);
  REQUIRE(pool.start({3, 1, 0, "job.json"}).ok());
  CHECK_FALSE(pool.can_run_more());
  WorkerEvent event;
  REQUIRE(pool.wait(&event, 5s));
  CHECK(event.kind == WorkerEvent::Kind::k_progress);
  CHECK(event.frames_done == 5);
  event = finish(pool);
  CHECK(event.chunk == 3);
  CHECK(event.success);
  CHECK(event.stats.frames == 10);
  CHECK(event.stats.peak_rss_bytes == 4096);
  CHECK(event.stats.kernel_s == Approx(0.05));
  CHECK(pool.running() == 0);
}

TEST_CASE("a crashed worker fails with its signal and last words") {
  test::TempDir dir;
  WorkerPool pool(script(dir, "crash.sh", "echo 'decoding photo_007.jpg' >&2\nkill -9 $$\n"), 1);
  REQUIRE(pool.start({0, 1, 0, "job.json"}).ok());
  WorkerEvent event = finish(pool);
  CHECK_FALSE(event.success);
  CHECK(event.out_of_memory);  // SIGKILL is what the out-of-memory killer sends
  CHECK_THAT(event.failure, Catch::Matchers::Contains("SIGKILL"));
  CHECK_THAT(event.failure, Catch::Matchers::Contains("decoding photo_007.jpg"));
}

TEST_CASE("a worker that exits 0 without reporting done has failed") {
  test::TempDir dir;
  WorkerPool pool(script(dir, "quiet.sh", "exit 0\n"), 1);
  REQUIRE(pool.start({0, 1, 0, "job.json"}).ok());
  CHECK_FALSE(finish(pool).success);
}

TEST_CASE("a silent worker is stopped after the stall timeout") {
  test::TempDir dir;
  WorkerPool pool(script(dir, "stall.sh", "sleep 30\n"), 1, 300ms);
  REQUIRE(pool.start({0, 1, 0, "job.json"}).ok());
  const auto started = std::chrono::steady_clock::now();
  WorkerEvent event = finish(pool);
  CHECK_FALSE(event.success);
  CHECK_THAT(event.failure, Catch::Matchers::Contains("no progress"));
  CHECK(std::chrono::steady_clock::now() - started < 10s);
}

TEST_CASE("abort stops every worker's whole process group") {
  test::TempDir dir;
  const std::string pidfile = dir / "child.pid";
  WorkerPool pool(script(dir, "tree.sh", "sleep 30 &\necho $! > " + test::quote(pidfile) + "\nwait\n"), 2);
  REQUIRE(pool.start({0, 1, 0, "job.json"}).ok());
  for (int i = 0; i < 100 && test::read_text(pidfile).empty(); ++i) std::this_thread::sleep_for(20ms);
  const pid_t grandchild = std::stoi(test::read_text(pidfile));
  pool.abort_all();
  CHECK(pool.running() == 0);
  // Gone with its group: no such process, or only a zombie awaiting its reaper.
  bool alive = true;
  for (int i = 0; i < 50 && alive; ++i) {
    std::this_thread::sleep_for(20ms);
    const std::string stat = test::read_text("/proc/" + std::to_string(grandchild) + "/stat");
    alive = !stat.empty() && stat.find(") Z") == std::string::npos;
  }
  CHECK_FALSE(alive);
}

TEST_CASE("a wait's last fraction of a millisecond is slept in poll, not spun away") {
  using std::chrono::microseconds;
  CHECK(poll_timeout_ms(microseconds(400)) == 1);
  CHECK(poll_timeout_ms(microseconds(1)) == 1);
  CHECK(poll_timeout_ms(microseconds(99'001)) == 100);
  CHECK(poll_timeout_ms(100ms) == 100);
  CHECK(poll_timeout_ms(microseconds(0)) == 0);
  CHECK(poll_timeout_ms(-5ms) == 0);
  CHECK(poll_timeout_ms(std::chrono::hours(24 * 365 * 100)) == std::numeric_limits<int>::max());
}
