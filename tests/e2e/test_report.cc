// SPDX-License-Identifier: GPL-2.0-or-later
// What a user sees: the report and its HTML page, progress on a terminal and
// in a log, memory figures against an outside sampler, and shows made
// straight from a folder.

#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/timeline_json.h"
#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

int64_t frames_in(const std::string& file) {
  return std::stoll(test::ffprobe("-select_streams v:0 -count_packets -show_entries "
                                  "stream=nb_read_packets -of csv=p=0",
                                  file));
}

}  // namespace

TEST_CASE("the report agrees with the file and its phases add up") {
  test::TempDir dir;
  const std::string project =
      test::make_sample(dir / "show", "--slides 6 --size 320x180 --photo 640x480 --seconds 1.5");
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) +
                     " -o " + test::quote(dir / "out.mp4") + " --workers 2 --chunk-seconds 1 --report " +
                     test::quote(dir / "r.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  json report = json::parse(test::read_text(dir / "r.json"));
  for (const char* section : {"output", "plan", "phases", "chunks", "concat", "memory", "parallel", "warnings"})
    CHECK(report.contains(section));
  CHECK(report["output"]["frames"] == frames_in(dir / "out.mp4"));
  CHECK(report["output"]["bytes"] == static_cast<int64_t>(fs::file_size(dir / "out.mp4")));
  int64_t frames = 0;
  for (const json& c : report["chunks"]) {
    frames += c["frame_count"].get<int64_t>();
    for (const char* key : {"index", "first_frame", "frame_count", "slides", "attempts", "reused",
                            "start_s", "end_s", "wall_s", "cpu_s", "peak_rss_bytes", "bytes"})
      CHECK(c.contains(key));
    CHECK(c["attempts"] == 1);
    CHECK(c["end_s"].get<double>() >= c["start_s"].get<double>());
  }
  CHECK(frames == report["output"]["frames"].get<int64_t>());
  const json& p = report["phases"];
  const double sum = p["validate_s"].get<double>() + p["plan_s"].get<double>() + p["render_s"].get<double>() +
                     p["audio_s"].get<double>() + p["concat_s"].get<double>();
  CHECK(sum == Approx(p["total_s"].get<double>()).margin(0.01));
  CHECK(report["concat"]["mode"] == "stream_copy");
  for (const char* key : {"speedup", "efficiency", "serial_fraction", "max_speedup", "load_imbalance"})
    CHECK(report["parallel"][key].get<double>() > 0);
  CHECK(report["parallel"]["max_speedup"].get<double>() <= report["plan"]["workers"].get<double>() + 1e-9);
  CHECK(report["memory"]["workers_peak_rss_bytes"].get<int64_t>() > 0);
  CHECK(report["memory"]["orchestrator_peak_rss_bytes"].get<int64_t>() > 0);

  const std::string html = test::read_text(dir / "r.html");
  CHECK_THAT(html, Catch::Matchers::Contains("<svg"));
  CHECK_THAT(html, Catch::Matchers::Contains("chunk 0 "));
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // loads nothing
  // The summary printed at the end.
  CHECK_THAT(r.output, Catch::Matchers::Contains("speedup"));
  CHECK_THAT(r.output, Catch::Matchers::Contains("peak memory"));
}

TEST_CASE("reported memory matches an outside sampler of the workers") {
  test::TempDir dir;
  const std::string project =
      test::make_sample(dir / "show", "--slides 8 --size 640x360 --photo 1600x1200 --seconds 2.5 --no-audio");
  const std::string out = dir / "out.mp4", report = dir / "r.json";
  const std::string binary = test::chunkreel_path();
  const pid_t pid = test::spawn_process({binary, "render", project, "-o", out, "--quiet", "--workers",
                                         "2", "--chunk-seconds", "2", "--report", report});
  int64_t outside_peak = 0;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    int64_t sum = 0;
    for (const auto& w : test::worker_processes_of(pid)) sum += w.rss_bytes;
    outside_peak = std::max(outside_peak, sum);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  json r = json::parse(test::read_text(report));
  const double reported = r["memory"]["concurrent_peak_rss_bytes"].get<double>();
  INFO("reported " << reported << " outside " << outside_peak);
  REQUIRE(outside_peak > 0);
  CHECK(std::fabs(reported - outside_peak) <= 0.3 * outside_peak);
  // Each worker's own getrusage peak is at least what anyone saw of it.
  CHECK(r["memory"]["workers_peak_rss_bytes"].get<double>() >= 0.7 * outside_peak / 2);
}

TEST_CASE("progress is plain lines in a log and one redrawn line on a terminal") {
  test::TempDir dir;
  const std::string project =
      test::make_sample(dir / "show", "--slides 4 --size 256x144 --photo 400x300 --seconds 1.5 --no-audio");
  const std::string command = test::quote(test::chunkreel_path()) + " render " + test::quote(project) +
                              " -o " + test::quote(dir / "out.mp4") + " --workers 2 --chunk-seconds 1";
  auto piped = test::run(command);
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.output.find('\r') == std::string::npos);
  CHECK(piped.output.find("\x1b[") == std::string::npos);
  CHECK_THAT(piped.output, Catch::Matchers::Contains("frames"));
  CHECK_THAT(piped.output, Catch::Matchers::Contains("chunks "));
  // Under a pseudo-terminal the status line is redrawn in place.
  auto tty = test::run("TERM=xterm script -qfec " + test::quote(command + " -o " + test::quote(dir / "tty.mp4")) +
                       " /dev/null");
  INFO(tty.output);
  REQUIRE(tty.exit_code == 0);
  CHECK(tty.output.find("\r[") != std::string::npos);
  CHECK(tty.output.find("\x1b[K") != std::string::npos);
  auto quiet = test::run(command + " --quiet -o " + test::quote(dir / "q.mp4"));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.output.empty());
}

TEST_CASE("a show straight from a folder, and init writes its project") {
  test::TempDir dir;
  test::make_sample(dir / "show", "--slides 5 --size 256x144 --photo 400x300 --seconds 1.5");
  const std::string photos = dir / "show/photos";
  fs::rename(photos + "/photo_000.jpg", photos + "/photo_10.jpg");  // natural order puts it last
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(photos) + " -o " +
                     test::quote(dir / "folder.mp4") + " --music " + test::quote(dir / "show/music/track.mp3") +
                     " --seconds-per-slide 1.5 --size 256x144 --fps 25");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // 5 slides of 1.5 s with 0.5 s crossfades: 5.5 s at 25 fps.
  CHECK(frames_in(dir / "folder.mp4") == 138);
  CHECK_THAT(test::ffprobe("-show_entries stream=codec_name -of csv=p=0", dir / "folder.mp4"),
             Catch::Matchers::Contains("aac"));

  auto init = test::run(test::quote(test::chunkreel_path()) + " init " + test::quote(photos) + " -o " +
                        test::quote(dir / "show/made.json") + " --seconds-per-slide 2");
  REQUIRE(init.exit_code == 0);
  auto timeline = load_timeline(dir / "show/made.json");
  REQUIRE(timeline.ok());
  REQUIRE(timeline.value().slides.size() == 5);
  CHECK(fs::path(timeline.value().slides.back().image).filename() == "photo_10.jpg");
  // Each slide moves automatically, or, where framing found a subject, by
  // the motion it resolved, with the region found as its focus
  // (tests/e2e/test_framing.cc).
  for (const Slide& slide : timeline.value().slides)
    CHECK(slide.auto_motion == (slide.focus.kind == Focus::Kind::k_found));
  CHECK(timeline.value().slides[0].duration == 2.0);
  json raw = json::parse(test::read_text(dir / "show/made.json"));
  CHECK(raw["slides"][0]["image"] == "photos/photo_001.jpg");  // relative to the project
}
