// SPDX-License-Identifier: GPL-2.0-or-later
// Overnight batches: one broken project does not sink the others, the
// worker cap holds across the queue, and --resume renders nothing twice.

#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "orchestrator/cli/batch_command.h"
#include "orchestrator/cli/command_line.h"
#include "orchestrator/session/render_session.h"
#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("a batch with a broken project finishes the others and resumes without re-rendering") {
  test::TempDir dir;
  std::vector<std::string> projects;
  for (const char* name : {"first", "broken", "third"}) {
    const std::string project = test::make_sample(dir / name, "--slides 4 --size 256x144 --photo 400x300 --seconds 1.5");
    const std::string renamed = dir / (std::string(name) + ".json");
    json p = json::parse(test::read_text(project));
    for (auto& slide : p["slides"]) slide["image"] = std::string(name) + "/" + slide["image"].get<std::string>();
    p["audio"][0]["file"] = std::string(name) + "/" + p["audio"][0]["file"].get<std::string>();
    if (std::string(name) == "broken") p["slides"][2]["image"] = "broken/photos/missing.jpg";
    test::write_text(renamed, p.dump());
    projects.push_back(renamed);
  }
  const std::string out = dir / "night";
  const std::string binary = test::chunkreel_path();
  const pid_t pid = test::spawn_process({binary, "batch", projects[0], projects[1], projects[2],
                                         "--out-dir", out, "--workers", "2", "--chunk-seconds", "1", "--nice"});
  int most = 0, status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    most = std::max(most, static_cast<int>(test::worker_processes_of(pid).size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(most >= 1);
  CHECK(most <= 2);  // the cap holds across the whole queue

  json summary = json::parse(test::read_text(out + "/summary.json"));
  REQUIRE(summary["jobs"].size() == 3);
  CHECK(summary["jobs"][0]["status"] == "ok");
  CHECK(summary["jobs"][1]["status"] == "failed");
  CHECK_THAT(summary["jobs"][1]["error"].get<std::string>(), Catch::Matchers::Contains("slides[2].image"));
  CHECK_THAT(summary["jobs"][1]["error"].get<std::string>(), Catch::Matchers::Contains("missing.jpg"));
  CHECK(summary["jobs"][2]["status"] == "ok");
  for (const char* name : {"first", "third"}) {
    const std::string video = out + "/" + name + ".mp4";
    REQUIRE(fs::exists(video));
    auto decoded = test::run("ffmpeg -v error -xerror -i " + test::quote(video) + " -f null -");
    CHECK(decoded.exit_code == 0);
    CHECK(fs::exists(out + "/" + name + ".html"));
  }
  CHECK_FALSE(fs::exists(out + "/broken.mp4"));
  const std::string log = test::read_text(out + "/batch.log");
  CHECK_THAT(log, Catch::Matchers::Contains("failed"));
  CHECK_THAT(log, Catch::Matchers::Contains("done"));

  const auto first_written = fs::last_write_time(out + "/first.mp4");
  auto again = test::run(test::quote(binary) + " batch " + test::quote(projects[0]) + " " + test::quote(projects[1]) +
                         " " + test::quote(projects[2]) + " --out-dir " + test::quote(out) + " --resume --workers 2");
  INFO(again.output);
  CHECK(again.exit_code == 1);
  json resumed = json::parse(test::read_text(out + "/summary.json"));
  CHECK(resumed["jobs"][0]["status"] == "skipped");
  CHECK(resumed["jobs"][1]["status"] == "failed");
  CHECK(resumed["jobs"][2]["status"] == "skipped");
  CHECK(fs::last_write_time(out + "/first.mp4") == first_written);
  CHECK(again.output.find("rendering " + projects[0]) == std::string::npos);

  // A photo of the first project changes: --resume renders it again, and
  // only it.
  test::make_photo(dir / "first/photos/photo_000.jpg", "400x300", "-vf negate");
  auto changed = test::run(test::quote(binary) + " batch " + test::quote(projects[0]) + " " +
                           test::quote(projects[2]) + " --out-dir " + test::quote(out) + " --resume --workers 2");
  INFO(changed.output);
  CHECK(changed.exit_code == 0);
  json after_change = json::parse(test::read_text(out + "/summary.json"));
  CHECK(after_change["jobs"][0]["status"] == "ok");
  CHECK(after_change["jobs"][1]["status"] == "skipped");
  CHECK(fs::last_write_time(out + "/first.mp4") != first_written);
}

TEST_CASE("a batch joins one project while the next one renders") {
  test::TempDir dir;
  std::vector<std::string> projects;
  for (const char* name : {"one", "two"}) {
    const std::string project =
        test::make_sample(dir / name, "--slides 4 --size 256x144 --photo 400x300 --seconds 1.5 --no-audio");
    projects.push_back(dir / (std::string(name) + ".json"));
    json p = json::parse(test::read_text(project));
    for (auto& slide : p["slides"]) slide["image"] = std::string(name) + "/" + slide["image"].get<std::string>();
    test::write_text(projects.back(), p.dump());
  }
  const std::string out = dir / "night";
  auto r = test::run(test::quote(test::chunkreel_path()) + " batch " + test::quote(projects[0]) + " " +
                     test::quote(projects[1]) + " --out-dir " + test::quote(out) + " --workers 2 --chunk-seconds 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json jobs = json::parse(test::read_text(out + "/summary.json"))["jobs"];
  REQUIRE(jobs.size() == 2);
  // Had the first project joined before the second began, its output would
  // be complete before the second started.
  CHECK(jobs[0]["finished_at"].get<double>() > jobs[1]["started_at"].get<double>());
  CHECK(jobs[0]["finished_at"].get<double>() < jobs[1]["finished_at"].get<double>());
}

TEST_CASE("batch arguments are checked") {
  auto r = test::run(test::quote(test::chunkreel_path()) + " batch a.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Matchers::Contains("--out-dir"));
  r = test::run(test::quote(test::chunkreel_path()) + " batch x/show.json y/show.json --out-dir /tmp");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Matchers::Contains("two projects are named 'show'"));
}

TEST_CASE("anything one project throws is its own failure, and the night goes on") {
  test::TempDir dir;
  std::vector<std::string> projects;
  for (const char* name : {"odd", "fine"}) {
    const std::string project = test::make_sample(dir / name, "--slides 2 --size 160x90 --photo 320x240 --seconds 1");
    projects.push_back(dir / (std::string(name) + ".json"));
    fs::copy_file(project, projects.back());
    json p = json::parse(test::read_text(projects.back()));
    for (auto& slide : p["slides"]) slide["image"] = std::string(name) + "/" + slide["image"].get<std::string>();
    p["audio"][0]["file"] = std::string(name) + "/" + p["audio"][0]["file"].get<std::string>();
    test::write_text(projects.back(), p.dump());
  }
  // The batch runs inside this test program, whose sessions look for the
  // worker beside it.
  std::error_code ec;
  fs::create_symlink(test::worker_path(), fs::read_symlink("/proc/self/exe").parent_path() / "chunkreel-worker", ec);
  auto command = parse_command_line({"batch", projects[0], projects[1], "--out-dir", dir / "night", "--quiet"});
  REQUIRE(command);
  // Not chunkreel's own error type: what a library or the standard library
  // might throw from inside one project.
  const int code = run_batch(command.value(), [](const RenderConfig& config) -> std::unique_ptr<RenderSession> {
    if (fs::path(config.project.path).stem() == "odd") throw std::length_error("basic_string::_M_create");
    return std::make_unique<RenderSession>(config);
  });
  CHECK(code == 1);
  const json summary = json::parse(test::read_text(dir / "night/summary.json"));
  REQUIRE(summary["jobs"].size() == 2);
  CHECK(summary["jobs"][0]["status"] == "failed");
  CHECK_THAT(summary["jobs"][0]["error"].get<std::string>(), Catch::Matchers::Contains("basic_string::_M_create"));
  CHECK(summary["jobs"][1]["status"] == "ok");
  CHECK(test::frame_md5s(dir / "night/fine.mp4").size() > 0);
}
