#include "orchestrator/render_session.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/content_key.h"
#include "common/timeline_json.h"
#include "orchestrator/audio_mixer.h"
#include "orchestrator/concat.h"
#include "orchestrator/interrupt.h"
#include "orchestrator/line_printer.h"
#include "orchestrator/memory_model.h"
#include "orchestrator/output_check.h"
#include "orchestrator/project_check.h"
#include "orchestrator/render_plan.h"
#include "orchestrator/render_status.h"
#include "orchestrator/folder_show.h"
#include "orchestrator/report.h"
#include "orchestrator/report_html.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/worker_pool.h"

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

// r.json -> r.html beside it.
std::string html_path_for(const std::string& report) {
  fs::path path(report);
  return (path.extension() == ".json" ? path.replace_extension(".html") : fs::path(report + ".html"))
      .string();
}

}  // namespace

// Audio runs on its own thread while the workers render.
class AudioTask {
 public:
  AudioTask(const Timeline& timeline, double duration_s, std::string path)
      : m_path(std::move(path)) {
    if (timeline.audio.empty()) return;
    m_thread = std::thread([this, &timeline, duration_s] {
      m_result = mix_and_encode_audio(timeline, duration_s, m_path, m_cancel);
    });
  }
  ~AudioTask() {
    m_cancel.store(true);
    if (m_thread.joinable()) m_thread.join();
  }
  /// Waits for the audio; returns its path, or "" when the show has none.
  Expected<std::string> wait() {
    if (!m_thread.joinable()) return std::string();
    m_thread.join();
    if (!m_result) return m_result.error();
    return m_path;
  }
  double wall_s() const { return m_result ? m_result.value().wall_s : 0; }

 private:
  std::string m_path;
  std::atomic<bool> m_cancel{false};
  Expected<AudioResult> m_result{AudioResult{}};
  std::thread m_thread;
};

Expected<Timeline> read_show(const std::string& project, const FolderOptions& folder) {
  std::error_code ec;
  return fs::is_directory(project, ec) ? timeline_from_folder(project, folder) : load_timeline(project);
}

Project load_project(const RenderOptions& options) {
  auto timeline = read_show(options.project, options.folder);
  if (!timeline) throw Fatal(ExitCode::k_invalid_input, timeline.error().message);
  CheckOptions check;
  check.max_pixels = options.max_pixels;
  auto checked = check_project(std::move(timeline.value()), check);
  if (!checked) throw Fatal(ExitCode::k_invalid_input, checked.error().message);
  return std::move(checked.value());
}


std::string project_key(const Project& project) {
  std::vector<std::string> media;
  for (const Slide& slide : project.timeline.slides) media.push_back(slide.image);
  for (const AudioTrack& track : project.timeline.audio) media.push_back(track.file);
  return timeline_content_key(timeline_to_json(project.timeline), media);
}

RenderSession::RenderSession(RenderOptions given) : m_options(std::move(given)) {
  const RenderOptions& options = m_options;
  m_t_start = Clock::now();

  // 1. Validate everything before any worker starts.
  m_project = load_project(options);
  const Project& project = m_project;
  check_output_location(options.output);
  std::vector<OutputFile> outputs{{"-o", options.output}};
  if (!options.report.empty()) {
    outputs.push_back({"--report", options.report});
    outputs.push_back({"--report (its HTML page)", html_path_for(options.report)});
  }
  Expected<void> safe = check_outputs(outputs, inputs_of(project.timeline, "the show", options.config),
                                      WorkFolder::location(options.output, options.work_dir));
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
  m_t_validated = Clock::now();

  // 2. Plan and write the jobs.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto planned = make_render_plan(project, options, cores, available_memory_bytes());
  if (!planned) throw Fatal(ExitCode::k_invalid_input, planned.error().message);
  m_plan = std::move(planned.value());
  const RenderPlan& plan = m_plan;
  m_output = fs::absolute(options.output).lexically_normal().string();
  auto work = WorkFolder::open(m_output, options.work_dir);
  if (!work) throw Fatal(ExitCode::k_invalid_input, work.error().message);
  m_work.emplace(std::move(work.value()));
  m_work_dir = m_work->path();
  auto claim = [this](const std::string& name) {
    auto path = m_work->claim(name);
    if (!path) throw Fatal(ExitCode::k_render_failed, path.error().message);
    return path.value();
  };
  m_audio_path = claim("audio.m4a");
  for (const ChunkPlan& chunk : plan.chunks) {
    ChunkJob job = make_chunk_job(project, plan, chunk, m_work_dir);
    claim(fs::path(job.chunk_path).filename().string());
    m_chunk_paths.push_back(job.chunk_path);
    // A chunk whose content key matches a whole file from an earlier run
    // is reused as it is.
    if (options.resume && chunk_is_complete(job.chunk_path, chunk.frame_count)) {
      m_reused.push_back(chunk.index);
      m_reused_frames += chunk.frame_count;
      continue;
    }
    const std::string job_path = claim(job_file_name(chunk.index));
    Expected<void> written = write_chunk_job(job, job_path);
    if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
    m_scheduled.push_back({chunk.index, job_path, chunk.cost, plan.chunk_peak_bytes[chunk.index]});
  }
  m_t_planned = Clock::now();
  if (!options.quiet)
    m_printer.print_line(fmt::format(
        "chunkreel: {} frames ({}), {} chunk{}, {} worker{} x {} thread{}", project.timing.frames,
        format_duration(project.timing.duration), plan.chunks.size(),
        plan.chunks.size() == 1 ? "" : "s", plan.workers, plan.workers == 1 ? "" : "s",
        plan.threads_per_worker, plan.threads_per_worker == 1 ? "" : "s"));
  if (!options.quiet && options.resume)
    m_printer.print_line(fmt::format("chunkreel: resuming: {} of {} chunks ({} frames) already done",
                                     m_reused.size(), plan.chunks.size(), m_reused_frames));
}

RenderSession::~RenderSession() = default;

void RenderSession::render() {
  const std::atomic<bool>& interrupted = install_interrupt_handlers();
  const RenderOptions& options = m_options;
  const Project& project = m_project;
  const RenderPlan& plan = m_plan;
  // 3. Render, with the soundtrack encoded alongside.
  const double video_duration = frame_time(project.timing.frames, project.timeline.output.fps);
  m_audio = std::make_unique<AudioTask>(project.timeline, video_duration, m_audio_path);
  WorkerPool pool(worker_executable_path(), plan.workers,
                  std::chrono::milliseconds(static_cast<int64_t>(options.stall_timeout_s * 1000)),
                  options.nice);
  m_status = std::make_unique<RenderStatus>(&m_printer, options.quiet, project.timing.frames,
                                            static_cast<int>(plan.chunks.size()), plan.workers);
  m_status->add_reused(static_cast<int>(m_reused.size()), m_reused_frames);
  ScheduleOptions schedule_options;
  schedule_options.retries = options.retries;
  schedule_options.memory_budget = plan.memory_budget;
  m_schedule = run_schedule(m_scheduled, pool, schedule_options, *m_status, interrupted);
  m_status->finish();
  m_t_rendered = Clock::now();
  const ScheduleResult& schedule = m_schedule;
  if (schedule.interrupted)
    throw Fatal(ExitCode::k_interrupted,
                fmt::format("interrupted; {} finished chunk{} kept in {}", schedule.runs.size(),
                            schedule.runs.size() == 1 ? "" : "s", m_work_dir));
  if (!schedule.failure.empty()) {
    std::string slides;
    if (schedule.failed_chunk >= 0) {
      const ChunkPlan& c = plan.chunks[schedule.failed_chunk];
      slides = fmt::format(" (frames {}-{}, slides {}-{}: {})", c.first_frame,
                           c.first_frame + c.frame_count - 1, c.first_slide, c.last_slide,
                           fs::path(project.timeline.slides[c.first_slide].image).filename().string());
    }
    throw Fatal(ExitCode::k_render_failed,
                fmt::format("{}{}\nfinished chunks are kept in {}; run again with --resume",
                            schedule.failure, slides, m_work_dir));
  }
}

void RenderSession::finish() {
  const RenderOptions& options = m_options;
  const Project& project = m_project;
  const RenderPlan& plan = m_plan;
  const ScheduleResult& schedule = m_schedule;
  const std::string& output = m_output;
  std::error_code ec;
  const double video_duration = frame_time(project.timing.frames, project.timeline.output.fps);
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
  auto joined = join_chunks(join, output);
  if (!joined) throw Fatal(ExitCode::k_render_failed, joined.error().message);
  const auto t_joined = Clock::now();

  // 5. Report.
  RunFacts facts;
  facts.output_path = output;
  facts.frames = project.timing.frames;
  facts.duration_s = video_duration;
  facts.bytes = joined.value().bytes;
  facts.workers = plan.workers;
  facts.threads_per_worker = plan.threads_per_worker;
  facts.chunks = plan.chunks;
  facts.runs = schedule.runs;
  facts.attempts = schedule.attempts;
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
  facts.concurrent_peak_rss_bytes = m_status->concurrent_peak_bytes();
  facts.memory_curve = m_status->memory_curve();
  facts.memory_budget_bytes = plan.budget_given ? plan.memory_budget : 0;
  nlohmann::json report = build_report(facts);
  report["content_key"] = project_key(project);
  if (!options.report.empty()) {
    Expected<void> written = write_file_atomically(options.report, report.dump(2) + "\n");
    if (written) written = write_file_atomically(html_path_for(options.report), report_html(report));
    if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
  }
  if (!options.keep_chunks) m_work->remove();

  if (!options.quiet)
    for (const std::string& line : summary_lines(report)) m_printer.print_line(line);
}

}  // namespace chunkreel
