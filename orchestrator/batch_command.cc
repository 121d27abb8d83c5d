#include "orchestrator/batch_command.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "orchestrator/output_check.h"
#include "orchestrator/render_command.h"
#include "orchestrator/render_session.h"
#include "orchestrator/render_status.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &local);
  return buffer;
}

// Appends timestamped lines to DIR/batch.log and echoes them.
class BatchLog {
 public:
  explicit BatchLog(const std::string& path) : m_out(path, std::ios::app) {}
  void line(const std::string& text) {
    const std::string stamped = timestamp() + " " + text;
    m_out << stamped << '\n' << std::flush;
    std::printf("batch: %s\n", text.c_str());
    std::fflush(stdout);
  }

 private:
  std::ofstream m_out;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, false);
}

}  // namespace

int run_batch(const Command& command) {
  const fs::path dir = fs::absolute(command.out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Fatal(ExitCode::k_invalid_input, fmt::format("{}: cannot create the output folder", dir.string()));
  std::set<std::string> stems;
  for (const std::string& project : command.projects) {
    const std::string stem = fs::path(project).stem().string();
    if (!stems.insert(stem).second)
      throw Fatal(ExitCode::k_invalid_input,
                  fmt::format("two projects are named '{}'; each writes {}/{}.mp4", stem, dir.string(), stem));
  }

  // No project may write over a file that any project of the batch reads:
  // one project's output beside another's photos is a common way to lose one.
  std::vector<InputFile> inputs;
  std::vector<OutputFile> outputs{{"--out-dir", (dir / "summary.json").string()},
                                  {"--out-dir", (dir / "batch.log").string()}};
  for (const std::string& project : command.projects) {
    const std::string name = fs::path(project).filename().string();
    auto timeline = read_show(project, command.render.folder);
    if (timeline) {
      for (InputFile& input : inputs_of(timeline.value(), name, command.render.config))
        inputs.push_back(std::move(input));
    } else {
      inputs.push_back({project, name, "the project file"});  // it fails on its own turn
    }
    const std::string stem = fs::path(project).stem().string();
    for (const char* extension : {".mp4", ".json", ".html"})
      outputs.push_back({"--out-dir", (dir / (stem + extension)).string()});
  }
  Expected<void> safe = check_outputs(outputs, inputs);
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
  // The projects' work folders sit side by side in --work-dir: made here, so
  // no project's clean-up can remove it under the next one.
  bool made_work_dir = false;
  if (!command.render.work_dir.empty() && !fs::exists(command.render.work_dir, ec)) {
    made_work_dir = fs::create_directories(command.render.work_dir, ec);
    if (ec)
      throw Fatal(ExitCode::k_invalid_input,
                  fmt::format("--work-dir {}: cannot create: {}", command.render.work_dir, ec.message()));
  }

  BatchLog log((dir / "batch.log").string());
  log.line(fmt::format("starting {} project{} into {}", command.projects.size(),
                       command.projects.size() == 1 ? "" : "s", dir.string()));
  json jobs = json::array();
  bool any_failed = false;
  bool interrupted = false;
  using Clock = std::chrono::steady_clock;

  // The project whose join and report run on a thread while the next
  // project's workers render, so the cores do not idle between projects.
  struct Finishing {
    size_t job = 0;
    std::string project;
    std::string report;
    Clock::time_point started;
    std::unique_ptr<RenderSession> session;
    std::future<void> done;
  };
  std::optional<Finishing> finishing;
  auto record_failure = [&](json& job, const std::string& project, const Fatal& e) {
    job["status"] = "failed";
    if (e.code() == ExitCode::k_interrupted) {
      interrupted = true;
      job["error"] = "interrupted";
      log.line("interrupted while rendering " + project);
    } else {
      any_failed = true;
      job["error"] = e.what();
      log.line(fmt::format("failed {}: {}", project, first_line(e.what())));
    }
  };
  auto settle = [&] {
    if (!finishing) return;
    json& job = jobs[finishing->job];
    try {
      finishing->done.get();
      const json report = read_json(finishing->report);
      if (report.is_object()) job["frames"] = report["output"].value("frames", 0);
      log.line(fmt::format("done {} -> {}", finishing->project, job["output"].get<std::string>()));
    } catch (const Fatal& e) {
      record_failure(job, finishing->project, e);
    }
    job["wall_s"] = std::chrono::duration<double>(Clock::now() - finishing->started).count();
    finishing.reset();
  };

  for (const std::string& project : command.projects) {
    const std::string stem = fs::path(project).stem().string();
    RenderOptions options = command.render;
    options.project = project;
    options.output = (dir / (stem + ".mp4")).string();
    options.report = (dir / (stem + ".json")).string();
    jobs.push_back({{"project", fs::absolute(project).string()},
                    {"output", options.output},
                    {"status", "ok"},
                    {"error", nullptr},
                    {"wall_s", 0.0},
                    {"frames", 0}});
    const size_t index = jobs.size() - 1;
    const auto started = Clock::now();
    try {
      if (options.resume && fs::exists(options.output)) {
        const json recorded = read_json(options.report);
        if (recorded.is_object() && recorded.value("content_key", "") == project_key(options)) {
          jobs[index]["status"] = "skipped";
          jobs[index]["frames"] = recorded["output"].value("frames", 0);
          log.line(fmt::format("skipped {}: {} is up to date", project, options.output));
          continue;
        }
      }
      log.line("rendering " + project);
      auto session = std::make_unique<RenderSession>(options);
      session->render();
      settle();  // the previous project's join, which ran while this one rendered
      RenderSession* running = session.get();
      finishing = Finishing{index, project, options.report, started, std::move(session),
                            std::async(std::launch::async, [running] { running->finish(); })};
    } catch (const Fatal& e) {
      settle();
      record_failure(jobs[index], project, e);
      jobs[index]["wall_s"] = std::chrono::duration<double>(Clock::now() - started).count();
    }
    if (interrupted) break;
  }
  settle();
  if (made_work_dir) fs::remove(command.render.work_dir, ec);  // only when left empty

  const json summary = {{"out_dir", dir.string()}, {"jobs", jobs}};
  Expected<void> written = write_file_atomically((dir / "summary.json").string(), summary.dump(2) + "\n");
  if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);

  std::printf("\n%-8s %-30s %10s %9s  %s\n", "status", "project", "frames", "wall", "error");
  for (const json& job : jobs) {
    const std::string error = job["error"].is_string() ? first_line(job["error"].get<std::string>()) : "";
    std::printf("%-8s %-30s %10lld %9s  %s\n", job["status"].get<std::string>().c_str(),
                fs::path(job["project"].get<std::string>()).filename().string().c_str(),
                static_cast<long long>(job["frames"].get<int64_t>()),
                format_duration(job["wall_s"].get<double>()).c_str(), error.c_str());
  }
  log.line(fmt::format("finished: {} ok, {} skipped, {} failed", 
                       std::count_if(jobs.begin(), jobs.end(), [](const json& j) { return j["status"] == "ok"; }),
                       std::count_if(jobs.begin(), jobs.end(), [](const json& j) { return j["status"] == "skipped"; }),
                       std::count_if(jobs.begin(), jobs.end(), [](const json& j) { return j["status"] == "failed"; })));
  if (interrupted) return static_cast<int>(ExitCode::k_interrupted);
  return any_failed ? static_cast<int>(ExitCode::k_render_failed) : 0;
}

}  // namespace chunkreel
