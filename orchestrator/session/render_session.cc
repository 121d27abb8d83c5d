#include "orchestrator/session/render_session.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/chunk_file.h"
#include "common/units.h"
#include "orchestrator/audio/audio_task.h"
#include "orchestrator/join/join.h"
#include "orchestrator/plan/chunk_jobs.h"
#include "orchestrator/project/project_load.h"
#include "orchestrator/report/progress_display.h"
#include "orchestrator/report/report.h"
#include "orchestrator/report/report_html.h"
#include "orchestrator/run/interrupt.h"
#include "orchestrator/run/worker_pool.h"
#include "orchestrator/session/output_check.h"

namespace chunkreel {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int64_t own_peak_rss() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

// The output's folder must exist and be writable before any work starts.
void check_output_location(const std::string& output) {
  fs::path folder = fs::absolute(output).parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw Fatal(ExitCode::k_invalid_input, fmt::format("{}: the output folder does not exist", folder.string()));
  if (::access(folder.c_str(), W_OK) != 0)
    throw Fatal(ExitCode::k_invalid_input, fmt::format("{}: the output folder is not writable", folder.string()));
}

// No output may replace an input, be a folder, or sit in a work folder.
void check_outputs_are_safe(const RenderConfig& config, const Project& project) {
  std::vector<OutputFile> outputs{{"-o", config.output}};
  if (!config.report.empty()) {
    outputs.push_back({"--report", config.report});
    outputs.push_back({"--report (its HTML page)", html_path_for(config.report)});
  }
  Expected<void> safe = check_outputs(outputs, inputs_of(project.timeline, "the show", config.config_file),
                                      WorkFolder::location(config.output, config.work_dir));
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
}

const char* plural(int64_t n) { return n == 1 ? "" : "s"; }

}  // namespace

std::string html_path_for(const std::string& report) {
  fs::path path(report);
  return (path.extension() == ".json" ? path.replace_extension(".html") : fs::path(report + ".html"))
      .string();
}

RenderSession::RenderSession(RenderConfig given) : m_config(std::move(given)) {
  const RenderConfig& config = m_config;
  m_t_start = Clock::now();

  // 1. Validate everything before any worker starts.
  auto loaded = load_project(config.project);
  if (!loaded) throw Fatal(ExitCode::k_invalid_input, loaded.error().message);
  m_project = std::move(loaded.value());
  check_output_location(config.output);
  check_outputs_are_safe(config, m_project);
  m_t_validated = Clock::now();

  // 2. Plan and write the jobs.
  auto planned = make_render_plan(m_project, config.plan, this_machine());
  if (!planned) throw Fatal(ExitCode::k_invalid_input, planned.error().message);
  m_plan = std::move(planned.value());
  m_output = fs::absolute(config.output).lexically_normal().string();
  write_jobs();
  m_t_planned = Clock::now();
  if (config.quiet) return;
  m_printer.print_line(fmt::format("chunkreel: {} frames ({}), {} chunk{}, {} worker{} x {} thread{}",
                                   m_project.timing.frames, format_duration(m_project.timing.duration),
                                   m_plan.chunks.size(), plural(m_plan.chunks.size()), m_plan.workers,
                                   plural(m_plan.workers), m_plan.threads_per_worker,
                                   plural(m_plan.threads_per_worker)));
  if (config.resume)
    m_printer.print_line(fmt::format("chunkreel: resuming: {} of {} chunks ({} frames) already done",
                                     m_reused.size(), m_plan.chunks.size(), m_reused_frames));
}

RenderSession::~RenderSession() = default;

// Every file goes into chunkreel's own work folder, recorded there before it
// exists (session/work_folder.h).
void RenderSession::write_jobs() {
  auto work = WorkFolder::open(m_output, m_config.work_dir);
  if (!work) throw Fatal(ExitCode::k_invalid_input, work.error().message);
  m_work.emplace(std::move(work.value()));
  auto claim = [this](const std::string& name) {
    auto path = m_work->claim(name);
    if (!path) throw Fatal(ExitCode::k_render_failed, path.error().message);
    return path.value();
  };
  m_audio_path = claim("audio.m4a");
  for (const ChunkPlan& chunk : m_plan.chunks) {
    ChunkJob job = make_chunk_job(m_project, m_plan, chunk, m_work->path());
    claim(fs::path(job.chunk_path).filename().string());
    m_chunk_paths.push_back(job.chunk_path);
    // A chunk whose content key matches a whole file from an earlier run
    // is reused as it is.
    if (m_config.resume && chunk_is_complete(job.chunk_path, chunk.frame_count)) {
      m_reused.push_back(chunk.index);
      m_reused_frames += chunk.frame_count;
      continue;
    }
    const std::string job_path = claim(job_file_name(chunk.index));
    Expected<void> written = write_chunk_job(job, job_path);
    if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
    m_scheduled.push_back({chunk.index, job_path, chunk.cost, m_plan.chunk_peak_bytes[chunk.index]});
  }
}

void RenderSession::render() {
  const std::atomic<bool>& interrupted = install_interrupt_handlers();
  const RenderConfig& config = m_config;
  const int64_t frames = m_project.timing.frames;
  // 3. Render, with the soundtrack encoded alongside.
  m_audio = std::make_unique<AudioTask>(m_project.timeline,
                                        frame_time(frames, m_project.timeline.output.fps), m_audio_path);
  WorkerPool pool(worker_executable_path(), m_plan.workers,
                  std::chrono::milliseconds(static_cast<int64_t>(config.stall_timeout_s * 1000)), config.nice);
  ProgressDisplay display(&m_printer, config.quiet, frames, static_cast<int>(m_plan.chunks.size()),
                          m_plan.workers, &m_memory);
  display.add_reused(static_cast<int>(m_reused.size()), m_reused_frames);
  ObserverList observers({&m_memory, &display});
  ScheduleOptions options;
  options.retries = config.retries;
  options.memory_budget = m_plan.memory_budget;
  m_schedule = run_schedule(m_scheduled, pool, options, observers, interrupted);
  display.finish();
  m_t_rendered = Clock::now();
  if (m_schedule.interrupted)
    throw Fatal(ExitCode::k_interrupted,
                fmt::format("interrupted; {} finished chunk{} kept in {}", m_schedule.runs.size(),
                            plural(m_schedule.runs.size()), m_work->path()));
  if (!m_schedule.failure.empty()) throw Fatal(ExitCode::k_render_failed, failure_message());
}

// Names the chunk, its frames and slides, and how to go on.
std::string RenderSession::failure_message() const {
  std::string where;
  if (m_schedule.failed_chunk >= 0) {
    const ChunkPlan& c = m_plan.chunks[m_schedule.failed_chunk];
    where = fmt::format(" (frames {}-{}, slides {}-{}: {})", c.first_frame, c.first_frame + c.frame_count - 1,
                        c.first_slide, c.last_slide,
                        fs::path(m_project.timeline.slides[c.first_slide].image).filename().string());
  }
  return fmt::format("{}{}\nfinished chunks are kept in {}; run again with --resume", m_schedule.failure,
                     where, m_work->path());
}

RenderOutcome RenderSession::finish() {
  const Project& project = m_project;
  const RenderPlan& plan = m_plan;
  // 4. Join by stream copy, with the audio.
  auto audio_path = m_audio->wait();
  if (!audio_path) throw Fatal(ExitCode::k_render_failed, audio_path.error().message);
  const auto t_audio = Clock::now();
  JoinInput join;
  join.chunk_paths = m_chunk_paths;
  for (const ChunkPlan& chunk : plan.chunks) {
    join.chunk_first_frames.push_back(chunk.first_frame);
    join.chunk_frame_counts.push_back(chunk.frame_count);
  }
  join.audio_path = audio_path.value();
  join.fps = project.timeline.output.fps;
  auto joined = join_chunks(join, m_output);
  if (!joined) throw Fatal(ExitCode::k_render_failed, joined.error().message);
  const auto t_joined = Clock::now();

  // 5. Report.
  RunFacts facts;
  facts.output_path = m_output;
  facts.frames = project.timing.frames;
  facts.duration_s = frame_time(project.timing.frames, project.timeline.output.fps);
  facts.bytes = joined.value().bytes;
  facts.workers = plan.workers;
  facts.threads_per_worker = plan.threads_per_worker;
  facts.chunks = plan.chunks;
  facts.runs = m_schedule.runs;
  facts.attempts = m_schedule.attempts;
  std::error_code ec;
  for (int chunk : m_reused) {
    ChunkRun run;
    run.chunk = chunk;
    run.reused = true;
    run.stats.frames = plan.chunks[chunk].frame_count;
    run.stats.bytes = static_cast<int64_t>(fs::file_size(m_chunk_paths[chunk], ec));
    facts.runs.push_back(run);
  }
  facts.phases.validate_s = seconds_between(m_t_start, m_t_validated);
  facts.phases.plan_s = seconds_between(m_t_validated, m_t_planned);
  facts.phases.render_s = seconds_between(m_t_planned, m_t_rendered);
  facts.phases.audio_s = seconds_between(m_t_rendered, t_audio);
  facts.phases.concat_s = seconds_between(t_audio, t_joined);
  facts.phases.total_s = seconds_between(m_t_start, t_joined);
  facts.audio_work_s = m_audio->wall_s();
  facts.concat_wall_s = joined.value().wall_s;
  facts.orchestrator_peak_rss_bytes = own_peak_rss();
  facts.concurrent_peak_rss_bytes = m_memory.peak_bytes();
  facts.memory_curve = m_memory.curve();
  facts.memory_budget_bytes = plan.budget_given ? plan.memory_budget : 0;
  nlohmann::json report = build_report(facts);
  RenderOutcome outcome{m_output, project.timing.frames, project_key(project), seconds_since_epoch()};
  report["content_key"] = outcome.content_key;
  write_report(report);
  if (!m_config.keep_chunks) m_work->remove();

  if (!m_config.quiet)
    for (const std::string& line : summary_lines(report)) m_printer.print_line(line);
  return outcome;
}

void RenderSession::write_report(const nlohmann::json& report) const {
  if (m_config.report.empty()) return;
  Expected<void> written = write_file_atomically(m_config.report, report.dump(2) + "\n");
  if (written) written = write_file_atomically(html_path_for(m_config.report), report_html(report));
  if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
}

}  // namespace chunkreel
