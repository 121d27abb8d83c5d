// SPDX-License-Identifier: GPL-2.0-or-later
// Render farms on a real Slurm cluster: each test starts a private cluster
// from Debian's slurm-wlm (scripts/slurm-local: its own config, state
// folders and ports; with two nodes, each in network and UTS namespaces of
// its own, sharing this machine's filesystem) and stops it afterwards. A
// cluster that cannot start fails the test; it is never skipped.

#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class LocalSlurm {
 public:
  explicit LocalSlurm(int nodes = 1, const std::string& options = "") {
    auto started = test::run(test::quote(test::source_path("scripts/slurm-local")) + " start --nodes " +
                             std::to_string(nodes) + " " + options + " " + test::quote(m_dir.path()));
    INFO(started.output);
    REQUIRE(started.exit_code == 0);
    ::setenv("SLURM_CONF", (m_dir / "slurm.conf").c_str(), 1);
  }
  ~LocalSlurm() {
    test::run(test::quote(test::source_path("scripts/slurm-local")) + " stop " + test::quote(m_dir.path()));
    ::unsetenv("SLURM_CONF");
  }
  /// Tasks still pending or running, one "JOBID_INDEX STATE" a line.
  std::string live_tasks() const { return test::run("squeue -h -t pending,running -o '%i %T'").output; }
  /// Kills a namespaced node as a power cut would: its slurmd and its tasks.
  void kill_node(const std::string& node) const {
    REQUIRE(test::run(test::quote(test::source_path("scripts/slurm-local")) + " kill-node " +
                      test::quote(m_dir.path()) + " " + node)
                .exit_code == 0);
  }

 private:
  test::TempDir m_dir;
};

// A lossless show whose chunks each take a second or two to encode, so a
// test can act on a running task; and its local render, as the reference.
struct FarmShow {
  test::TempDir dir;
  std::string project;
  std::vector<std::string> reference;

  explicit FarmShow(const std::string& size = "320x180", int slides = 6) {
    project = test::make_sample(dir / "show", "--slides " + std::to_string(slides) + " --size " + size +
                                                   " --photo 1200x900 --seconds 1.5 --crf 0 --preset medium");
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                       test::quote(dir / "local.mp4") + " --quiet --chunk-seconds 1.5");
    REQUIRE(r.exit_code == 0);
    reference = test::frame_md5s(dir / "local.mp4");
  }
  std::vector<std::string> farm_args(const std::string& out) const {
    return {test::chunkreel_path(), "render", project, "-o", out, "--backend", "slurm", "--chunk-seconds", "1.5"};
  }
  std::string farm_line(const std::string& out, const std::string& more = "") const {
    std::string line;
    for (const std::string& a : farm_args(out)) {
      line += test::quote(a);
      line += ' ';
    }
    return line + more;
  }
};

int wait_exit(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The first task squeue shows RUNNING ("12_3") on `node` (any node if
// empty), waiting up to `limit`.
std::string running_task(const LocalSlurm&, std::chrono::seconds limit, const std::string& node = "") {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream lines(test::run("squeue -h -t running -o '%i %N'").output);
    std::string id, on;
    while (lines >> id >> on)
      if (node.empty() || on == node) return id;
    std::this_thread::sleep_for(50ms);
  }
  return "";
}

// The nodes the report's chunks ran on.
std::set<std::string> report_nodes(const json& report) {
  std::set<std::string> nodes;
  for (const json& chunk : report["chunks"]) nodes.insert(chunk.value("node", ""));
  return nodes;
}

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  std::string host(name);
  return host.substr(0, host.find('.'));
}

int chunks_in(const std::string& folder) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    count += entry.path().extension() == ".mp4" && entry.path().filename().string().rfind("chunk_", 0) == 0;
  return count;
}

}  // namespace

TEST_CASE("a farm render on one node is frame-identical to a local one and its report names each task") {
  LocalSlurm slurm;
  FarmShow show;
  auto r = test::run(show.farm_line(show.dir / "farm.mp4", "--report " + test::quote(show.dir / "farm.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("pending"));  // the tasks in the status lines
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  REQUIRE(report["chunks"].size() >= 3);
  for (const json& chunk : report["chunks"]) {
    INFO(chunk.dump());
    CHECK(std::regex_match(chunk.value("slurm_job", ""), std::regex("[0-9]+_[0-9]+")));
    CHECK(chunk.value("node", "") == host_name());
    CHECK(chunk.value("peak_rss_bytes", 0) > 0);
  }
  std::string lane = ">";  // the HTML timeline has a lane for the node
  lane += host_name();
  lane += '<';
  CHECK(test::read_text(show.dir / "farm.html").find(lane) != std::string::npos);
  CHECK(slurm.live_tasks().empty());
  CHECK_FALSE(fs::exists(show.dir / "farm.mp4.parts"));
}

TEST_CASE("a farm render on two nodes spreads its chunks over both, from a work folder with '%', spaces and accents") {
  LocalSlurm slurm(2);
  FarmShow show("320x180", 8);
  const std::string folder = show.dir / "100% \xc3\xa9t\xc3\xa9 $HOME";
  fs::create_directories(folder);
  const std::string out = folder + "/farm.mp4";
  auto r = test::run(show.farm_line(out, "--keep-chunks --report " + test::quote(folder + "/farm.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::frame_md5s(out) == show.reference);
  const json report = json::parse(test::read_text(folder + "/farm.json"));
  INFO(report["farm"].dump());
  CHECK(report_nodes(report) == std::set<std::string>{"cr1", "cr2"});
  for (const json& chunk : report["chunks"]) {
    INFO(chunk.dump());
    CHECK(chunk["attempts"] == 1);
    // Slurm's own times, in whole seconds by the controller's clock.
    REQUIRE(chunk["queue_wait_s"].is_number());
    CHECK(chunk["queue_wait_s"].get<double>() >= 0);
    REQUIRE(chunk["run_s"].is_number());
    CHECK(chunk["run_s"].get<double>() >= 0);
  }
  // A clean run: nothing lost, failed or submitted twice.
  CHECK(report["farm"]["lost_tasks"] == 0);
  CHECK(report["farm"]["failed_attempts"] == 0);
  CHECK(report["farm"]["arrays"] == 1);
  CHECK(report["farm"]["nodes"].size() == 2);
  CHECK(report["farm"]["calls"]["sbatch"] == 1);
  CHECK(report["farm"]["calls"]["squeue"].get<int>() >= 1);
  const std::string html = test::read_text(folder + "/farm.html");
  CHECK(html.find(">cr1<") != std::string::npos);
  CHECK(html.find(">cr2<") != std::string::npos);
  // Slurm wrote the tasks' output files where the folder's name says.
  CHECK(fs::exists(out + ".parts/slurm-tasks-1.txt"));
  CHECK(slurm.live_tasks().empty());
}

TEST_CASE("a farm node killed mid-render: its chunks finish on the other node and the output is identical") {
  LocalSlurm slurm(2);
  FarmShow show("640x360", 10);
  const std::string out = show.dir / "farm.mp4";
  auto args = show.farm_args(out);
  args.insert(args.end(), {"--report", show.dir / "farm.json", "--retries", "0"});
  const pid_t pid = test::spawn_logged(args, show.dir / "log.txt");
  const std::string victim = running_task(slurm, 60s, "cr2");
  REQUIRE_FALSE(victim.empty());
  slurm.kill_node("cr2");
  const int code = wait_exit(pid);
  const std::string log = test::read_text(show.dir / "log.txt");
  INFO(log);
  // --retries 0: a lost task is resubmitted without counting as a retry.
  REQUIRE(code == 0);
  CHECK_THAT(log, Catch::Matchers::Contains("was lost"));
  CHECK(test::frame_md5s(out) == show.reference);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  INFO(report["farm"].dump());
  CHECK(report["farm"]["lost_tasks"].get<int>() >= 1);
  // The lost chunks: a second attempt each, finished on the node still up.
  bool found = false;
  for (const json& chunk : report["chunks"]) {
    if (chunk["attempts"].get<int>() < 2) continue;
    found = true;
    CHECK(chunk["node"] == "cr1");
  }
  CHECK(found);
  CHECK(slurm.live_tasks().empty());
}

TEST_CASE("a farm task cancelled mid-run is resubmitted and the output is still identical") {
  LocalSlurm slurm;
  FarmShow show("640x360");
  const std::string out = show.dir / "farm.mp4";
  auto args = show.farm_args(out);
  args.insert(args.end(), {"--report", show.dir / "farm.json"});
  const pid_t pid = test::spawn_logged(args, show.dir / "log.txt");
  const std::string victim = running_task(slurm, 60s);
  REQUIRE_FALSE(victim.empty());
  REQUIRE(test::run("scancel " + victim).exit_code == 0);
  const int code = wait_exit(pid);
  INFO(test::read_text(show.dir / "log.txt"));
  REQUIRE(code == 0);
  CHECK_THAT(test::read_text(show.dir / "log.txt"), Catch::Matchers::Contains("CANCELLED"));
  CHECK(test::frame_md5s(out) == show.reference);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  const int chunk = std::stoi(victim.substr(victim.find('_') + 1));
  CHECK(report["chunks"][chunk]["attempts"] == 2);
}

TEST_CASE("a farm task requeued by an administrator is cancelled and resubmitted at once, without using a retry") {
  LocalSlurm slurm(2);
  FarmShow show("640x360", 8);
  const std::string out = show.dir / "farm.mp4";
  auto args = show.farm_args(out);
  args.insert(args.end(), {"--report", show.dir / "farm.json", "--retries", "0"});
  const pid_t pid = test::spawn_logged(args, show.dir / "log.txt");
  const std::string victim = running_task(slurm, 60s);
  REQUIRE_FALSE(victim.empty());
  REQUIRE(test::run("scontrol requeue " + victim).exit_code == 0);
  const int code = wait_exit(pid);
  const std::string log = test::read_text(show.dir / "log.txt");
  INFO(log);
  REQUIRE(code == 0);
  CHECK_THAT(log, Catch::Matchers::Contains("task " + victim));
  CHECK_THAT(log, Catch::Matchers::Contains("was lost (requeued"));
  CHECK(test::frame_md5s(out) == show.reference);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  CHECK(report["farm"]["lost_tasks"] == 1);
  CHECK(slurm.live_tasks().empty());  // the requeued task was cancelled, not left to run again
}

TEST_CASE("a farm task over its memory limit is killed by Slurm and retried with more") {
  LocalSlurm slurm;
  FarmShow show("640x360", 4);
  auto r = test::run(show.farm_line(show.dir / "farm.mp4", "--slurm-mem 30M --retries 3 --chunk-seconds 100"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("over its memory limit; the next attempt asks for 60 MiB"));
  CHECK_THAT(r.output, Catch::Matchers::Contains("exceeded memory limit"));  // Slurm's own words
  CHECK(test::frame_md5s(show.dir / "farm.mp4") == show.reference);
}

TEST_CASE("Ctrl-C with tasks running on both nodes empties the queue and exits 130") {
  LocalSlurm slurm(2);
  FarmShow show("640x360", 10);
  const std::string out = show.dir / "farm.mp4";
  const pid_t pid = test::spawn_logged(show.farm_args(out), show.dir / "log.txt");
  REQUIRE_FALSE(running_task(slurm, 60s, "cr1").empty());
  REQUIRE_FALSE(running_task(slurm, 60s, "cr2").empty());
  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid) == 130);
  INFO(test::read_text(show.dir / "log.txt"));
  CHECK(slurm.live_tasks().empty());  // scancel'd, and waited for, before it exited
  CHECK_FALSE(fs::exists(out));
  CHECK(test::leftover_temporaries(show.dir.path()).empty());
}

TEST_CASE("a detached farm render on two nodes returns at once and its join job, on a node, writes the identical output") {
  LocalSlurm slurm(2);
  FarmShow show;
  const std::string out = show.dir / "farm.mp4";
  const auto began = std::chrono::steady_clock::now();
  auto r = test::run(show.farm_line(out, "--detach --keep-chunks --report " + test::quote(show.dir / "farm.json")));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(took < 10);
  CHECK_THAT(r.output, Catch::Matchers::Contains("squeue -j"));
  CHECK_FALSE(fs::exists(out));  // the join has not run yet
  for (int i = 0; i < 600 && !fs::exists(out); ++i) std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 100 && !slurm.live_tasks().empty(); ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(fs::exists(out));
  CHECK(test::frame_md5s(out) == show.reference);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  for (const json& chunk : report["chunks"]) CHECK(chunk.contains("slurm_job"));
  CHECK(report_nodes(report) == std::set<std::string>{"cr1", "cr2"});
  CHECK(slurm.live_tasks().empty());
  const json record = json::parse(test::read_text(out + ".parts/render.json"));
  CHECK(record["farm"]["resubmissions"] == 0);
  const std::string join = record["farm"]["join_job"].get<std::string>();
  const std::string join_node = test::run("squeue -h -t all -j " + join + " -o %N").output;
  CHECK((join_node == "cr1\n" || join_node == "cr2\n"));
}

TEST_CASE("a plan of more chunks than MaxArraySize is submitted as several arrays and finished") {
  LocalSlurm slurm(2, "--max-array-size 3");
  FarmShow show("320x180", 8);
  const std::string out = show.dir / "farm.mp4";
  auto r = test::run(show.farm_line(out, "--report " + test::quote(show.dir / "farm.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::frame_md5s(out) == show.reference);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  const int chunks = static_cast<int>(report["chunks"].size());
  REQUIRE(chunks > 3);
  CHECK(report["farm"]["arrays"] == (chunks + 2) / 3);
  std::set<std::string> arrays;
  for (const json& chunk : report["chunks"]) {
    const std::string job = chunk["slurm_job"].get<std::string>();
    arrays.insert(job.substr(0, job.find('_')));
    CHECK(std::stoi(job.substr(job.find('_') + 1)) < 3);  // every task index below MaxArraySize
  }
  CHECK(static_cast<int>(arrays.size()) == (chunks + 2) / 3);
}

TEST_CASE("a farm render resumed after an interrupt submits only the missing chunks") {
  LocalSlurm slurm;
  FarmShow show("640x360");
  const std::string out = show.dir / "farm.mp4";
  auto args = show.farm_args(out);
  args.insert(args.end(), {"--slurm-max-running", "1"});
  const pid_t pid = test::spawn_logged(args, show.dir / "log.txt");
  const std::string work = out + ".parts";
  for (int i = 0; i < 600 && chunks_in(work) < 1; ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(chunks_in(work) >= 1);
  ::kill(pid, SIGINT);
  REQUIRE(wait_exit(pid) == 130);
  const int kept = chunks_in(work);

  auto r = test::run(show.farm_line(out, "--resume --report " + test::quote(show.dir / "farm.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json report = json::parse(test::read_text(show.dir / "farm.json"));
  int reused = 0, submitted = 0;
  for (const json& chunk : report["chunks"]) {
    reused += chunk["reused"].get<bool>();
    submitted += chunk.contains("slurm_job");
  }
  CHECK(reused == kept);
  CHECK(submitted == static_cast<int>(report["chunks"].size()) - kept);
  CHECK(test::frame_md5s(out) == show.reference);
}

TEST_CASE("a detached folder render with a clip, dated captions and a title joins once, to the frames of a local render") {
  LocalSlurm slurm;
  test::TempDir dir;
  test::make_sample(dir / "show", "--slides 6 --size 320x180 --photo 640x480 --seconds 2");
  int day = 10;
  for (const auto& entry : fs::directory_iterator(dir / "show/photos"))
    test::add_exif_date(entry.path().string(), "2024:08:" + std::to_string(day++) + " 12:00:00", true);
  // A phone clip among the photos, with its sound and its own date: farm
  // tasks decode it from the shared folder, the join job mixes its sound.
  REQUIRE(test::run("ffmpeg -v error -f lavfi -i testsrc2=s=320x240:r=30:d=2.5 -f lavfi -i sine=duration=2.5 "
                    "-c:v libx264 -g 20 -pix_fmt yuv420p -c:a aac -metadata creation_time=2024-08-30T18:00:00Z " +
                    test::quote(dir / "show/photos/zz-clip.MOV"))
              .exit_code == 0);
  // The automatic plan (no --chunk-seconds); the same workers and threads,
  // so the farm's chunks are the local render's.
  const std::string folder_args = test::quote(dir / "show/photos") +
                                  " --size 320x180 --seconds-per-slide 2 --captions date --title 'Summer 2024'"
                                  " --workers 2 --threads-per-worker 1 --quiet";
  auto local = test::run(test::quote(test::chunkreel_path()) + " render " + folder_args + " -o " +
                         test::quote(dir / "local.mp4"));
  INFO(local.output);
  REQUIRE(local.exit_code == 0);

  const std::string out = dir / "farm.mp4";
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + folder_args + " -o " + test::quote(out) +
                     " --backend slurm --detach --keep-chunks --report " + test::quote(dir / "farm.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  for (int i = 0; i < 900 && !fs::exists(dir / "farm.json"); ++i) std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 100 && !slurm.live_tasks().empty(); ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(fs::exists(out));
  const auto reference = test::frame_md5s(dir / "local.mp4");
  CHECK(reference.size() > 0);
  CHECK(test::frame_md5s(out) == reference);
  CHECK(test::ffprobe("-show_entries stream=codec_type -of csv=p=0", out).find("audio") != std::string::npos);

  // Rendered once: every chunk by the one array, none resubmitted.
  const json report = json::parse(test::read_text(dir / "farm.json"));
  std::set<std::string> jobs;
  for (const json& chunk : report["chunks"]) {
    CHECK(chunk["reused"] == false);
    REQUIRE(chunk.contains("slurm_job"));
    jobs.insert(chunk["slurm_job"].get<std::string>().substr(0, chunk["slurm_job"].get<std::string>().find('_')));
  }
  CHECK(jobs.size() == 1);
  const json record = json::parse(test::read_text(out + ".parts/render.json"));
  CHECK(record["farm"]["resubmissions"] == 0);
  CHECK(record["farm"]["arrays"].size() == 1);
  CHECK(record["config"]["project"]["folder"]["title"] == "Summer 2024");
  CHECK(record["config"]["project"]["folder"]["captions"] == "date");
}
