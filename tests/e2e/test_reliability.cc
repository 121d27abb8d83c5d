// SPDX-License-Identifier: GPL-2.0-or-later
// Unattended runs: a worker killed mid-chunk is retried, Ctrl-C stops
// everything cleanly, and --resume picks up the finished chunks; the output
// always matches a clean render frame for frame.

#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

pid_t spawn(std::vector<std::string> args) { return test::spawn_process(std::move(args)); }

std::vector<pid_t> worker_children(pid_t parent) {
  std::vector<pid_t> pids;
  for (const auto& w : test::worker_processes_of(parent)) pids.push_back(w.pid);
  return pids;
}

bool alive(pid_t pid) { return test::process_alive(pid); }

// The first worker `parent` starts, waiting up to 5 s; 0 if none came.
pid_t first_worker(pid_t parent) {
  for (int i = 0; i < 500; ++i) {
    auto workers = worker_children(parent);
    if (!workers.empty()) return workers.front();
    std::this_thread::sleep_for(10ms);
  }
  return 0;
}

int finished_chunks(const std::string& work_dir) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(work_dir, ec))
    if (entry.path().extension() == ".mp4") ++count;
  return count;
}

int wait_exit(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct LosslessShow {
  test::TempDir dir;
  std::string project;
  std::vector<std::string> reference;

  LosslessShow() {
    project = test::make_sample(dir / "show", "--slides 8 --size 320x180 --photo 1200x900 --seconds 1.5 --crf 0 --no-audio");
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                       test::quote(dir / "clean.mp4") + " --quiet --workers 1 --chunk-seconds 1000");
    REQUIRE(r.exit_code == 0);
    reference = test::frame_md5s(dir / "clean.mp4");
  }
  std::vector<std::string> render_args(const std::string& out, const std::string& work) const {
    return {test::chunkreel_path(), "render", project, "-o", out, "--quiet", "--workers", "2",
            "--chunk-seconds", "1", "--work-dir", work};
  }
};

}  // namespace

TEST_CASE("a worker killed mid-chunk is retried and the output is unchanged") {
  LosslessShow show;
  const std::string out = show.dir / "out.mp4";
  auto args = show.render_args(out, show.dir / "work");
  args[9] = "4";  // longer chunks, so the kill lands in the middle of one
  args.insert(args.end(), {"--report", show.dir / "r.json"});
  const pid_t pid = spawn(args);
  const pid_t victim = first_worker(pid);
  REQUIRE(victim != 0);
  std::this_thread::sleep_for(150ms);  // well into its chunk
  REQUIRE(alive(victim));
  REQUIRE(::kill(victim, SIGKILL) == 0);
  REQUIRE(wait_exit(pid) == 0);
  CHECK(test::frame_md5s(out) == show.reference);
  json report = json::parse(test::read_text(show.dir / "r.json"));
  int retried = 0;
  for (const json& c : report["chunks"]) retried += c["attempts"].get<int>() > 1;
  CHECK(retried == 1);
}

TEST_CASE("Ctrl-C stops every worker, leaves no output, and --resume finishes the same video") {
  LosslessShow show;
  const std::string out = show.dir / "out.mp4", work = show.dir / "work";
  const pid_t pid = spawn(show.render_args(out, work));
  std::vector<pid_t> workers;
  for (int i = 0; i < 500; ++i) {
    auto now = worker_children(pid);
    workers.insert(workers.end(), now.begin(), now.end());
    if (finished_chunks(work) >= 2 && !now.empty()) break;
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(finished_chunks(work) >= 2);
  const auto live = worker_children(pid);
  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid) == 130);
  std::this_thread::sleep_for(3s);
  for (pid_t w : live) CHECK_FALSE(alive(w));
  CHECK_FALSE(fs::exists(out));
  const int kept = finished_chunks(work);
  CHECK(kept >= 2);

  auto resumed = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(show.project) +
                           " -o " + test::quote(out) + " --workers 2 --chunk-seconds 1 --work-dir " +
                           test::quote(work) + " --resume --report " + test::quote(show.dir / "r.json"));
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Matchers::Contains("resuming"));
  json report = json::parse(test::read_text(show.dir / "r.json"));
  int reused = 0;
  for (const json& c : report["chunks"]) reused += c["reused"].get<bool>();
  CHECK(reused == kept);
  CHECK(test::frame_md5s(out) == show.reference);
  CHECK(fs::is_empty(work));  // chunkreel's own folder inside it is removed after success
}

TEST_CASE("no worker outlives an orchestrator killed hard") {
  LosslessShow show;
  const pid_t pid = spawn(show.render_args(show.dir / "out.mp4", show.dir / "work"));
  std::vector<pid_t> workers;
  for (int i = 0; i < 500 && workers.empty(); ++i) {
    workers = worker_children(pid);
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE_FALSE(workers.empty());
  ::kill(pid, SIGKILL);
  CHECK(wait_exit(pid) == 128 + SIGKILL);
  std::this_thread::sleep_for(2s);
  for (pid_t w : workers) CHECK_FALSE(alive(w));
  CHECK_FALSE(fs::exists(show.dir / "out.mp4"));
}

namespace {

// Field 19 of /proc/PID/stat: the nice value (fields counted after the
// command name, which may hold spaces, ends at the last ')').
int nice_of(pid_t pid) {
  const std::string stat = test::read_text("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19; ++i) rest >> field;
  return std::stoi(field);
}

}  // namespace

TEST_CASE("the --nice option runs the workers at nice 10, and a chunk out of retries is named with its frames and slides") {
  LosslessShow show;
  const std::string log = show.dir / "log.txt";
  auto args = show.render_args(show.dir / "out.mp4", show.dir / "work");
  args[9] = "4";  // long chunks, so the worker is still there to be read and killed
  args.insert(args.end(), {"--nice", "--retries", "0"});
  const pid_t pid = test::spawn_logged(args, log);
  const pid_t victim = first_worker(pid);
  REQUIRE(victim != 0);
  CHECK(nice_of(victim) == 10);
  CHECK(nice_of(pid) == 0);  // the orchestrator itself stays as it was
  ::kill(victim, SIGKILL);
  CHECK(wait_exit(pid) == 1);
  const std::string output = test::read_text(log);
  INFO(output);
  using Catch::Matchers::Contains;
  CHECK_THAT(output, Contains("failed after 1 attempt"));
  CHECK_THAT(output, Contains("(frames "));
  CHECK_THAT(output, Contains(", slides "));
  CHECK_THAT(output, Contains("run again with --resume"));
  CHECK_FALSE(fs::exists(show.dir / "out.mp4"));
}

TEST_CASE("Ctrl-C while the soundtrack is still encoding stops within a second and keeps the chunks") {
  test::TempDir dir;
  // Twenty minutes of music under a tiny picture at 1 fps, as one chunk:
  // the frames are done in a moment, the AAC encode takes many seconds.
  test::make_sample(dir / "show", "--slides 1 --size 160x90 --photo 320x240 --seconds 2");
  nlohmann::json show = nlohmann::json::parse(test::read_text(dir / "show/show.json"));
  show["output"]["fps"] = 1;
  show["output"]["width"] = 16;
  show["output"]["height"] = 16;
  show["slides"] = nlohmann::json::array({{{"color", "#203040"}, {"duration", 1200}}});
  show["audio"][0]["loop"] = true;
  test::write_text(dir / "show/long.json", show.dump());
  const std::string out = dir / "long.mp4";
  const int pid = test::spawn_logged(
      {test::chunkreel_path(), "render", dir / "show/long.json", "-o", out, "--chunk-seconds", "1000000"}, dir / "log");
  // The render phase is over once the chunk's file is whole (its temporary gone).
  auto chunk_done = [&] {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(out + ".parts", ec))
      if (entry.path().extension() == ".mp4" && entry.path().filename().string().rfind("chunk_", 0) == 0) return true;
    return false;
  };
  for (int i = 0; i < 3000 && !chunk_done(); ++i) usleep(5000);
  REQUIRE(chunk_done());
  usleep(500'000);  // the scheduler sees the worker's end within 100 ms
  REQUIRE(fs::exists(out + ".parts/audio.m4a.tmp"));  // still encoding
  const auto sent = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  INFO(test::read_text(dir / "log"));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(took < 1.0);
  CHECK_FALSE(fs::exists(out));
  CHECK(test::leftover_temporaries(dir.path()).empty());
  CHECK_FALSE(fs::exists(out + ".parts/audio.m4a.tmp"));
  CHECK(chunk_done());  // kept for --resume
}
