// SPDX-License-Identifier: GPL-2.0-or-later
// Scheduling under caps, end to end: a memory budget held against an outside
// sampler, worker memory flat in show length, the short-show decision, and
// planning a very long show.

#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string chunkreel_command(const std::string& args) { return test::quote(test::chunkreel_path()) + " " + args; }

json render_report(const test::TempDir& dir, const std::string& project, const std::string& flags) {
  auto r = test::run(chunkreel_command("render " + test::quote(project) + " -o " + test::quote(dir / "out.mp4") +
                               " --quiet --report " + test::quote(dir / "r.json") + " " + flags));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return json::parse(test::read_text(dir / "r.json"));
}

}  // namespace

TEST_CASE("a budget for one worker at a time holds against an outside sampler") {
  test::TempDir dir;
  const std::string project = test::make_sample(
      dir / "show", "--slides 6 --size 640x360 --photo 1600x1200 --seconds 2 --no-audio");
  auto planned = test::run(chunkreel_command("plan " + test::quote(project) + " --json --workers 2 --chunk-seconds 2"));
  REQUIRE(planned.exit_code == 0);
  json plan = json::parse(planned.output);
  int64_t largest = 0;
  for (const json& c : plan["chunks"]) largest = std::max(largest, c["estimated_peak_bytes"].get<int64_t>());
  const int64_t budget = largest * 3 / 2;  // room for one, not two

  const std::string binary = test::chunkreel_path();
  const pid_t pid = test::spawn_process({binary, "render", project, "-o", dir / "out.mp4", "--quiet",
                                         "--workers", "2", "--chunk-seconds", "2", "--memory-budget",
                                         std::to_string(budget), "--report", dir / "r.json"});
  int most_alive = 0;
  int64_t most_memory = 0;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    const auto workers = test::worker_processes_of(pid);
    int64_t memory = 0;
    for (const auto& w : workers) memory += w.rss_bytes;
    most_alive = std::max(most_alive, static_cast<int>(workers.size()));
    most_memory = std::max(most_memory, memory);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(most_alive == 1);
  CHECK(most_memory > 0);
  CHECK(most_memory <= budget);
  json report = json::parse(test::read_text(dir / "r.json"));
  CHECK(report["plan"]["memory_budget_bytes"] == budget);
  CHECK(report["memory"]["concurrent_peak_rss_bytes"].get<int64_t>() <= budget);
}

TEST_CASE("worker memory stays flat from 12 to 36 slides under the automatic plan") {
  // The automatic plan gives the longer show longer chunks (here about 4 s
  // against 11 s: one or two slides a chunk against three or four).
  test::TempDir a, b;
  const std::string options = "--size 1280x720 --photo 1600x1200 --seconds 3 --no-audio";
  json twelve = render_report(a, test::make_sample(a / "show", "--slides 12 " + options), "--workers 2");
  json thirty_six = render_report(b, test::make_sample(b / "show", "--slides 36 " + options), "--workers 2");
  CHECK(twelve["plan"]["chunk_count"].get<int>() < 12);
  CHECK(thirty_six["plan"]["chunk_count"].get<int>() < 12);
  const double p12 = twelve["memory"]["workers_peak_rss_bytes"].get<double>();
  const double p36 = thirty_six["memory"]["workers_peak_rss_bytes"].get<double>();
  INFO("12 slides: " << p12 << " bytes, 36 slides: " << p36);
  // Measured here: 1.3% apart, run to run within 0.1 MB; a worker that
  // kept the slides it had shown measured 6.2% apart.
  CHECK(p36 <= 1.05 * p12);
  CHECK(p36 >= p12 / 1.05);
  CHECK(thirty_six["memory"]["orchestrator_peak_rss_bytes"].get<int64_t>() < (150ll << 20));
}

TEST_CASE("a 3-second show is rendered as a single chunk") {
  test::TempDir dir;
  const std::string project = test::make_sample(
      dir / "show", "--slides 2 --size 320x180 --photo 640x480 --seconds 1.8 --no-audio");
  auto planned = test::run(chunkreel_command("plan " + test::quote(project)));
  REQUIRE(planned.exit_code == 0);
  CHECK_THAT(planned.output, Catch::Matchers::Contains("1 chunk,"));
  CHECK_THAT(planned.output, Catch::Matchers::Contains("too short for parallel chunks to pay"));
  json report = render_report(dir, project, "");
  CHECK(report["plan"]["chunk_count"] == 1);
}

TEST_CASE("a 20000-slide project plans quickly in little memory") {
  test::TempDir dir;
  fs::create_directories(dir / "photos");
  json slides = json::array();
  for (int i = 0; i < 20; ++i) {
    test::make_photo(dir / ("photos/p" + std::to_string(i) + ".jpg"), std::to_string(400 + 8 * i) + "x300");
  }
  for (int i = 0; i < 20000; ++i) slides.push_back({{"image", "photos/p" + std::to_string(i % 20) + ".jpg"}});
  json project = {{"version", 1},
                  {"defaults", {{"duration", 4.0}, {"transition", {{"type", "crossfade"}, {"duration", 1.0}}}}},
                  {"slides", slides}};
  test::write_text(dir / "big.json", project.dump());
  auto r = test::run("/usr/bin/time -o " + test::quote(dir / "time.txt") + " -f '%e %M' " +
                     chunkreel_command("plan " + test::quote(dir / "big.json") + " --json") + " > " +
                     test::quote(dir / "plan.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  double seconds = 0;
  int64_t kib = 0;
  std::istringstream(test::read_text(dir / "time.txt")) >> seconds >> kib;
  // Time is reported, never asserted (the suite runs on busy machines).
  WARN("planned 20000 slides in " << seconds << " s, peak " << kib / 1024 << " MiB");
  CHECK(kib <= 200 * 1024);
  json plan = json::parse(test::read_text(dir / "plan.json"));
  CHECK(plan["frames"] == 20000 * 90 + 30);  // 3 s per slide plus the last slide's 1 s
}
