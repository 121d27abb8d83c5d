// SPDX-License-Identifier: GPL-2.0-or-later
// Farm faults played by fake sbatch, squeue, scancel, scontrol and sinfo on
// PATH (tests/slurm/fake/fake_slurm.py), found there as chunkreel finds
// Slurm's: node failures, a task gone from the queue, Slurm's transient
// errors, a lost sbatch reply, MaxArraySize, a slow or ignored scancel. The
// fake runs every task at once as a local process, so each test is
// deterministic and needs no cluster.

#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class FakeSlurm {
 public:
  explicit FakeSlurm(const json& faults) : m_path(m_bin.path()) {
    for (const char* command : {"sbatch", "squeue", "scancel", "scontrol", "sinfo"}) {
      const std::string wrapper = m_bin / command;
      test::write_text(wrapper, "#!/bin/sh\nexec python3 " + test::quote(test::source_path("tests/slurm/fake/fake_slurm.py")) +
                                    " " + command + " \"$@\"\n");
      REQUIRE(::chmod(wrapper.c_str(), 0755) == 0);
    }
    test::write_text(m_state / "faults.json", faults.dump());
    ::setenv("FAKE_SLURM_DIR", m_state.path().c_str(), 1);
    ::unsetenv("SLURM_CONF");
  }
  ~FakeSlurm() {
    // Whatever a test left running goes, fault or not.
    test::write_text(m_state / "faults.json", "{}");
    std::string ids;
    for (const json& job : jobs()) ids.append(" ").append(std::to_string(job["id"].get<int>()));
    if (!ids.empty()) test::run("scancel" + ids);
    ::unsetenv("FAKE_SLURM_DIR");
  }
  /// The calls of `command` made so far, each with its arguments.
  std::vector<std::string> calls(const std::string& command) const {
    std::vector<std::string> lines;
    std::istringstream in(test::read_text(m_state / "calls.log"));
    for (std::string line; std::getline(in, line);)
      if (line.rfind(command + " ", 0) == 0 || line == command) lines.push_back(line);
    return lines;
  }
  std::vector<json> jobs() const {
    std::vector<json> all;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_state / "jobs", ec))
      if (entry.path().extension() == ".json") all.push_back(json::parse(test::read_text(entry.path())));
    return all;
  }
  /// Tasks still pending or running.
  int live_tasks() const {
    int live = 0;
    for (const json& job : jobs())
      for (const json& task : job["tasks"]) live += task["state"] == "PENDING" || task["state"] == "RUNNING";
    return live;
  }
  /// The most tasks the fake ever held queued (pending or running) at once.
  int most_queued() const {
    const std::string text = test::read_text(m_state / "most_queued");
    return text.empty() ? 0 : std::stoi(text);
  }
  int running_tasks() const {
    int running = 0;
    for (const json& job : jobs())
      for (const json& task : job["tasks"]) running += task["state"] == "RUNNING";
    return running;
  }

 private:
  test::TempDir m_bin;
  test::TempDir m_state;
  test::ScopedPath m_path;
};

// A small show and its local render, as the reference.
struct SmallShow {
  test::TempDir dir;
  std::string project;
  std::vector<std::string> reference;
  std::string chunk_seconds;

  /// `look`: make-sample's options for the size and the encoder.
  explicit SmallShow(int slides = 6, const std::string& seconds = "1",
                     const std::string& look = "--size 160x90 --photo 320x240")
      : chunk_seconds(seconds) {
    project = test::make_sample(dir / "show", "--slides " + std::to_string(slides) + " " + look + " --seconds " + seconds);
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                       test::quote(dir / "local.mp4") + " --quiet --chunk-seconds " + seconds);
    REQUIRE(r.exit_code == 0);
    reference = test::frame_md5s(dir / "local.mp4");
  }
  std::vector<std::string> args(const std::string& more = "") const {
    std::vector<std::string> a{test::chunkreel_path(), "render",          project,      "-o", dir / "farm.mp4",
                               "--backend",            "slurm",           "--chunk-seconds", chunk_seconds,
                               "--report",             dir / "farm.json"};
    std::istringstream extra(more);
    for (std::string word; extra >> word;) a.push_back(word);
    return a;
  }
  test::CommandResult render(const std::string& more = "") const {
    std::string line;
    for (const std::string& a : args(more)) line += test::quote(a) + " ";
    return test::run(line);
  }
  json report() const { return json::parse(test::read_text(dir / "farm.json")); }
};

int wait_exit(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool exited_within(pid_t pid, std::chrono::milliseconds limit, int* code) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

}  // namespace

TEST_CASE("fake farm: a plan of more chunks than MaxArraySize goes as several arrays of at most that many tasks") {
  SmallShow show(20, "0.5");
  FakeSlurm slurm(json{{"max_array_size", 8}});
  auto r = show.render();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
  const json report = show.report();
  const int chunks = static_cast<int>(report["chunks"].size());
  REQUIRE(chunks > 8);
  const auto jobs = slurm.jobs();
  CHECK(static_cast<int>(jobs.size()) == (chunks + 7) / 8);
  for (const json& job : jobs) CHECK(job["tasks"].size() <= 8);
  for (const json& chunk : report["chunks"]) CHECK(chunk["attempts"] == 1);
  CHECK(report["farm"]["arrays"] == (chunks + 7) / 8);
}

TEST_CASE("fake farm: at most half the controller's MaxJobCount tasks are queued at once") {
  SmallShow show(10, "0.5");
  FakeSlurm slurm(json{{"max_job_count", 6}});
  auto r = show.render();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
  const int chunks = static_cast<int>(show.report()["chunks"].size());
  REQUIRE(chunks > 3);
  CHECK(slurm.most_queued() <= 3);
  CHECK(static_cast<int>(slurm.calls("sbatch").size()) >= (chunks + 2) / 3);  // in waves
}

TEST_CASE("fake farm: Slurm's transient errors are retried with backoff, and a lost sbatch reply submits nothing twice") {
  SmallShow show;
  FakeSlurm slurm(json{{"transient", {{"sbatch", 1}, {"squeue", 2}, {"scontrol", 1}}}, {"lost_reply", 1}});
  auto r = show.render();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
  CHECK_THAT(r.output, Catch::Matchers::Contains("Socket timed out on send/recv operation; trying again in 1 s"));
  CHECK_THAT(r.output, Catch::Matchers::Contains("trying again in 2 s"));  // the backoff grows
  CHECK_THAT(r.output, Catch::Matchers::Contains("its reply was lost, but the controller has the job"));
  CHECK(slurm.jobs().size() == 1);  // the array whose reply was lost is adopted, not submitted again
  CHECK(show.report()["farm"]["calls"]["retried_after_transient_errors"].get<int>() >= 4);
}

TEST_CASE("fake farm: a task lost with its node, preempted or requeued is cancelled and resubmitted, without using a retry") {
  for (const char* fault : {"NODE_FAIL", "PREEMPTED", "REQUEUED", "REQUEUED_EARLY"}) {
    INFO(fault);
    SmallShow show;
    FakeSlurm slurm(json{{"first_task", fault}});
    auto r = show.render("--retries 0");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Matchers::Contains("was lost"));
    CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
    const json report = show.report();
    CHECK(report["farm"]["lost_tasks"] == 1);
    int twice = 0;
    for (const json& chunk : report["chunks"]) twice += chunk["attempts"] == 2;
    CHECK(twice == 1);
    CHECK(slurm.live_tasks() == 0);  // the requeued task was cancelled, not left to run again
  }
}

TEST_CASE("fake farm: a lost task still running beside its chunk's next attempt writes files of its own") {
  // Chunks that take a second or two to encode, so the stale attempt is
  // still writing when the next one starts.
  SmallShow show(4, "2", "--size 640x360 --photo 1200x900 --crf 0 --preset medium");
  FakeSlurm slurm(json{{"first_task", "ZOMBIE"}});
  auto r = show.render("--retries 0");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("was lost"));
  // The stale attempt ran on beside the new one; whichever renamed last,
  // the chunk was whole, and the frames are the local render's.
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
  // Each attempt's temporary names were recorded before it ran, so the
  // clean-up took them all.
  std::this_thread::sleep_for(2s);
  CHECK_FALSE(fs::exists(show.dir / "farm.mp4.parts"));
  CHECK(test::leftover_temporaries(show.dir.path()).empty());
}

TEST_CASE("fake farm: a task that disappears from squeue without finishing is retried") {
  SmallShow show;
  FakeSlurm slurm(json{{"first_task", "VANISHED"}});
  auto r = show.render();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("left the queue without finishing"));
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
}

TEST_CASE("fake farm: over a long render squeue is asked less and less often, for this render's jobs only") {
  SmallShow show(4, "1");
  // Tasks that take 60 s: what a long render's queue looks like to the client.
  FakeSlurm slurm(json{{"task_seconds", 60}});
  const auto began = std::chrono::steady_clock::now();
  auto r = show.render();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto polls = slurm.calls("squeue");
  // At a steady 2 s that would be about 30 calls; the interval grows from
  // 2 s to 4 s over the first minute (squeue_interval_s).
  INFO("render took " << took << " s with " << polls.size() << " squeue calls");
  CHECK(took >= 60);
  CHECK(polls.size() <= 24);
  CHECK(polls.size() >= 10);
  for (const std::string& call : polls) CHECK_THAT(call, Catch::Matchers::Contains(" -j "));
  CHECK(show.report()["farm"]["calls"]["squeue"] == static_cast<int>(polls.size()));
}

TEST_CASE("fake farm: Ctrl-C waits until the cancelled tasks have left the queue, however long that takes") {
  SmallShow show;
  FakeSlurm slurm(json{{"task_seconds", 120}, {"scancel_delay", 25}});
  const pid_t pid = test::spawn_logged(show.args(), show.dir / "log.txt");
  for (int i = 0; i < 200 && slurm.jobs().empty(); ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(slurm.live_tasks() > 0);
  const auto began = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid) == 130);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const std::string log = test::read_text(show.dir / "log.txt");
  INFO(log);
  CHECK(waited >= 24);
  CHECK_THAT(log, Catch::Matchers::Contains("to leave the queue"));
  CHECK(slurm.live_tasks() == 0);
}

TEST_CASE("fake farm: a second Ctrl-C stops waiting for the queue and names the jobs that may still be there") {
  SmallShow show;
  FakeSlurm slurm(json{{"task_seconds", 120}, {"ignore_scancel", true}});
  const pid_t pid = test::spawn_logged(show.args(), show.dir / "log.txt");
  for (int i = 0; i < 200 && slurm.jobs().empty(); ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(slurm.live_tasks() > 0);
  ::kill(pid, SIGINT);
  int code = 0;
  CHECK_FALSE(exited_within(pid, 4s, &code));  // still waiting: the tasks have not gone
  ::kill(pid, SIGINT);
  REQUIRE(exited_within(pid, 10s, &code));
  CHECK(code == 130);
  const std::string log = test::read_text(show.dir / "log.txt");
  INFO(log);
  const std::string job = std::to_string(slurm.jobs().front()["id"].get<int>());
  CHECK_THAT(log, Catch::Matchers::Contains("stopped waiting; these tasks may still be in the queue"));
  CHECK_THAT(log, Catch::Matchers::Contains("scancel " + job));
}
