// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/batch_command.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/units.h"
#include "orchestrator/cli/batch_summary.h"
#include "orchestrator/project/project_load.h"
#include "orchestrator/session/output_check.h"
#include "orchestrator/session/render_session.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &local);
  return buffer;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Appends timestamped lines to DIR/batch.log and echoes them.
class BatchLog {
 public:
  explicit BatchLog(const std::string& path) : m_out(path, std::ios::app) {}
  void line(const std::string& text) {
    m_out << timestamp() << ' ' << text << '\n' << std::flush;
    std::printf("batch: %s\n", text.c_str());
    std::fflush(stdout);
  }

 private:
  std::ofstream m_out;
};

// Refuses the whole batch, before anything renders, when two projects would
// write one file, any output would overwrite any project's input, or an
// output would replace a file the batch did not write: without -y, only
// the files an earlier batch's summary there records as its own (its
// summary and log, and the outputs of the projects it finished) may go.
void check_batch(const Command& command, const fs::path& dir) {
  std::set<std::string> stems;
  std::vector<InputFile> inputs;
  const std::string summary = (dir / "summary.json").string();
  const bool earlier_batch = is_batch_summary(summary);
  const std::map<std::string, ProjectResult> written = read_finished_projects(summary);
  auto replace = [&](bool batch_wrote) {
    return command.render.overwrite || batch_wrote ? Replace::k_allowed : Replace::k_never;
  };
  std::vector<OutputFile> outputs{{"--out-dir", summary, replace(earlier_batch)},
                                  {"--out-dir", (dir / "batch.log").string(), replace(earlier_batch)}};
  for (const std::string& project : command.projects) {
    const std::string stem = fs::path(project).stem().string();
    if (!stems.insert(stem).second)
      throw Fatal(ExitCode::k_invalid_input,
                  fmt::format("two projects are named '{}'; each writes {}/{}.mp4", stem, dir.string(), stem));
    const std::string name = fs::path(project).filename().string();
    ProjectSource source = command.render.project;
    source.path = project;
    auto timeline = read_show(source);
    if (timeline) {
      for (InputFile& input : inputs_of(timeline.value(), name, command.render.config_file))
        inputs.push_back(std::move(input));
    } else {
      inputs.push_back({project, name, "the project file"});  // it fails on its own turn
    }
    // A finished project's report and its page were written with its MP4.
    const bool batch_wrote = written.count((dir / (stem + ".mp4")).string()) > 0;
    for (const char* extension : {".mp4", ".json", ".html"})
      outputs.push_back({"--out-dir", (dir / (stem + extension)).string(), replace(batch_wrote)});
  }
  Expected<void> safe = check_outputs(outputs, inputs);
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
}

class Batch {
 public:
  Batch(const Command& command, fs::path dir, SessionFactory make_session)
      : m_command(command), m_dir(std::move(dir)), m_log((m_dir / "batch.log").string()),
        m_finished_before(read_finished_projects(summary_path())), m_make_session(std::move(make_session)) {}

  int run() {
    m_log.line(fmt::format("starting {} project{} into {}", m_command.projects.size(),
                           m_command.projects.size() == 1 ? "" : "s", m_dir.string()));
    for (const std::string& project : m_command.projects) {
      render_one(project);
      if (m_interrupted) break;
    }
    settle();
    std::fputs(batch_table(m_results).c_str(), stdout);
    m_log.line(fmt::format("finished: {} ok, {} skipped, {} failed", count(ProjectStatus::k_ok),
                           count(ProjectStatus::k_skipped), count(ProjectStatus::k_failed)));
    if (m_interrupted) return static_cast<int>(ExitCode::k_interrupted);
    return count(ProjectStatus::k_failed) > 0 ? static_cast<int>(ExitCode::k_render_failed) : 0;
  }

 private:
  // The project whose join and report run on a thread while the next
  // project's workers render, so the cores do not idle between projects.
  struct Finishing {
    size_t result = 0;
    Clock::time_point started;
    std::unique_ptr<RenderSession> session;
    std::future<RenderOutcome> outcome;
  };

  std::string summary_path() const { return (m_dir / "summary.json").string(); }

  int count(ProjectStatus status) const {
    return static_cast<int>(std::count_if(m_results.begin(), m_results.end(),
                                          [status](const ProjectResult& r) { return r.status == status; }));
  }

  RenderConfig config_for(const std::string& project) const {
    const std::string stem = fs::path(project).stem().string();
    RenderConfig config = m_command.render;
    config.project.path = project;
    config.output = (m_dir / (stem + ".mp4")).string();
    config.report = (m_dir / (stem + ".json")).string();
    // What an earlier batch here finished, this one may render again.
    config.overwrite = config.overwrite || m_finished_before.count(config.output) > 0;
    return config;
  }

  // With --resume, a project is up to date when its output exists and the
  // summary of an earlier run recorded the same content key for it.
  bool up_to_date(const RenderConfig& config, ProjectResult* result) const {
    std::error_code ec;
    if (!config.resume || !fs::exists(config.output, ec)) return false;
    const auto found = m_finished_before.find(result->output);
    if (found == m_finished_before.end()) return false;
    auto project = load_project(config.project);
    if (!project) throw Fatal(ExitCode::k_invalid_input, project.error().message);
    if (project_key(project.value()) != found->second.content_key) return false;
    result->frames = found->second.frames;
    result->content_key = found->second.content_key;
    return true;
  }

  void render_one(const std::string& project) {
    const RenderConfig config = config_for(project);
    ProjectResult result;
    result.project = fs::absolute(project).string();
    result.output = config.output;
    m_results.push_back(result);
    const size_t index = m_results.size() - 1;
    const auto started = Clock::now();
    try {
      if (up_to_date(config, &m_results[index])) {
        m_results[index].status = ProjectStatus::k_skipped;
        m_results[index].finished_at = seconds_since_epoch();
        m_log.line(fmt::format("skipped {}: {} is up to date", project, config.output));
        save();
        return;
      }
      m_log.line("rendering " + project);
      m_results[index].started_at = seconds_since_epoch();
      std::unique_ptr<RenderSession> session =
          m_make_session ? m_make_session(config) : std::make_unique<RenderSession>(config);
      session->render();
      settle();  // the previous project's join, which ran while this one rendered
      RenderSession* running = session.get();
      m_finishing = Finishing{index, started, std::move(session),
                              std::async(std::launch::async, [running] { return running->finish(); })};
    } catch (const std::exception& e) {
      // Whatever one project throws is that project's failure; the night
      // goes on with the next.
      settle();
      record_failure(index, e);
      m_results[index].wall_s = std::chrono::duration<double>(Clock::now() - started).count();
      save();
    }
  }

  void settle() {
    if (!m_finishing) return;
    ProjectResult& result = m_results[m_finishing->result];
    try {
      const RenderOutcome outcome = m_finishing->outcome.get();
      result.frames = outcome.frames;
      result.content_key = outcome.content_key;
      result.finished_at = outcome.finished_at;
      m_log.line(fmt::format("done {} -> {}", fs::path(result.project).filename().string(), result.output));
    } catch (const std::exception& e) {
      record_failure(m_finishing->result, e);
    }
    result.wall_s = std::chrono::duration<double>(Clock::now() - m_finishing->started).count();
    m_finishing.reset();
    save();
  }

  void record_failure(size_t index, const std::exception& e) {
    ProjectResult& result = m_results[index];
    result.status = ProjectStatus::k_failed;
    result.finished_at = seconds_since_epoch();
    const std::string name = fs::path(result.project).filename().string();
    const auto* fatal = dynamic_cast<const Fatal*>(&e);
    if (fatal && fatal->code() == ExitCode::k_interrupted) {
      m_interrupted = true;
      result.error = "interrupted";
      m_log.line("interrupted while rendering " + name);
    } else {
      result.error = e.what();
      m_log.line(fmt::format("failed {}: {}", name, first_line(e.what())));
    }
  }

  // The summary is rewritten after every project, so a batch killed hard
  // still knows in the morning which projects are done.
  void save() {
    Expected<void> written = write_batch_summary(summary_path(), m_dir.string(), m_results);
    if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
  }

  const Command& m_command;
  fs::path m_dir;
  BatchLog m_log;
  std::map<std::string, ProjectResult> m_finished_before;
  std::vector<ProjectResult> m_results;
  std::optional<Finishing> m_finishing;
  bool m_interrupted = false;
  SessionFactory m_make_session;
};

}  // namespace

int run_batch(const Command& command, const SessionFactory& make_session) {
  const fs::path dir = fs::absolute(command.out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Fatal(ExitCode::k_invalid_input, fmt::format("{}: cannot create the output folder", dir.string()));
  check_batch(command, dir);
  // The projects' work folders sit side by side in --work-dir: made here, so
  // no project's clean-up can remove it under the next one.
  const std::string& work_dir = command.render.work_dir;
  const bool made_work_dir = !work_dir.empty() && !fs::exists(work_dir, ec) && fs::create_directories(work_dir, ec);
  if (ec) throw Fatal(ExitCode::k_invalid_input, fmt::format("--work-dir {}: cannot create: {}", work_dir, ec.message()));
  const int code = Batch(command, dir, make_session).run();
  if (made_work_dir) fs::remove(work_dir, ec);  // only when left empty
  return code;
}

}  // namespace chunkreel
