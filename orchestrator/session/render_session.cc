// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/session/render_session.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/chunk_file.h"
#include "common/content_key.h"
#include "common/units.h"
#include "common/utf8.h"
#include "orchestrator/audio/audio_task.h"
#include "orchestrator/project/clip_voices.h"
#include "orchestrator/join/join.h"
#include "orchestrator/plan/chunk_jobs.h"
#include "orchestrator/plan/memory_estimate.h"
#include "orchestrator/plan/plan_description.h"
#include "orchestrator/project/project_load.h"
#include "orchestrator/report/progress_display.h"
#include "orchestrator/report/report.h"
#include "orchestrator/report/report_html.h"
#include "orchestrator/run/interrupt.h"
#include "orchestrator/run/system_command.h"
#include "orchestrator/run/worker_pool.h"
#include "orchestrator/session/output_check.h"
#include "orchestrator/session/render_record.h"

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
  const Replace replace = config.overwrite ? Replace::k_allowed : Replace::k_never;
  std::vector<OutputFile> outputs{{"-o", config.output, replace}};
  if (!config.report.empty()) {
    outputs.push_back({"--report", config.report, replace});
    outputs.push_back({"--report (its HTML page)", html_path_for(config.report), replace});
  }
  Expected<void> safe = check_outputs(outputs, inputs_of(project.timeline, "the show", config.config_file),
                                      WorkFolder::location(config.output, config.work_dir));
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
}

// The plan record and the report are JSON text: every path they hold must
// be UTF-8, which a file name need not be. Photos a folder show finds are
// checked there (folder_show.cc); a project file's paths are UTF-8 already.
void check_recordable_paths(const RenderConfig& config) {
  std::vector<std::pair<const char*, const std::string*>> paths = {
      {"the show", &config.project.path}, {"-o", &config.output},          {"--report", &config.report},
      {"--work-dir", &config.work_dir},   {"--config", &config.config_file}};
  for (const std::string& music : config.project.folder.music) paths.emplace_back("--music", &music);
  for (const auto& [what, path] : paths)
    if (!path->empty() && !is_utf8(fs::absolute(*path).string()))
      throw Fatal(ExitCode::k_invalid_input,
                  fmt::format("{} {}: the path is not UTF-8, which chunkreel's records (JSON) cannot hold; rename it",
                              what, escape_non_utf8(*path)));
}

const char* plural(int64_t n) { return n == 1 ? "" : "s"; }

}  // namespace

// What the plan may count on. On a farm that is the array's throttle, or
// the workers a plan already fixed, or else the partition's CPUs; memory
// is the cluster's to keep (each task asks for its own), so there is no
// budget.
Machine machine_for(const RenderConfig& config) {
  if (config.backend == Backend::k_local) return this_machine();
  Machine farm;
  const int threads = std::max(1, config.plan.threads_per_worker);
  farm.cores = config.slurm.max_running > 0 ? config.slurm.max_running * threads
               : config.plan.workers > 0    ? config.plan.workers * threads
                                            : 0;
  farm.cores_from = config.slurm.max_running > 0 ? "--slurm-max-running" : "--workers";
  if (farm.cores == 0) {
    auto cpus = partition_cpus(config.slurm.partition);
    if (!cpus)
      throw Fatal(ExitCode::k_invalid_input, "cannot ask the Slurm cluster for its CPUs: " + cpus.error().message);
    farm.cores = std::max(1, cpus.value());
    farm.cores_from = "the partition's CPUs (sinfo)";
  }
  farm.memory_from = "each task's own --mem";
  return farm;
}

namespace {

}  // namespace

std::string html_path_for(const std::string& report) {
  fs::path path(report);
  return (path.extension() == ".json" ? path.replace_extension(".html") : fs::path(report + ".html"))
      .string();
}

RenderSession::RenderSession(RenderConfig given)
    : m_config(std::move(given)), m_interrupted(install_interrupt_handlers()) {
  const RenderConfig& config = m_config;
  m_t_start = Clock::now();

  // 1. Validate everything before any worker starts.
  check_recordable_paths(config);
  auto loaded = load_project(config.project);
  if (!loaded) throw Fatal(ExitCode::k_invalid_input, loaded.error().message);
  m_project = std::move(loaded.value());
  m_show_key = project_key(m_project);
  check_output_location(config.output);
  check_outputs_are_safe(config, m_project);
  m_output = fs::absolute(config.output).lexically_normal().string();
  open_work_folder(std::chrono::milliseconds(0));
  m_t_validated = Clock::now();
  if (!config.quiet) print_input_warnings();

  // 2. Plan once (or take the plan a resume finds recorded), record it,
  // and write the jobs.
  if (!adopt_recorded_plan()) {
    auto planned = make_render_plan(m_project, config.plan, machine_for(config));
    if (!planned) throw Fatal(ExitCode::k_invalid_input, planned.error().message);
    m_plan = std::move(planned.value());
  }
  write_record();
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

RenderSession::RenderSession(RenderRecord record, bool quiet)
    : m_config(std::move(record.config)), m_interrupted(install_interrupt_handlers()) {
  m_t_start = Clock::now();
  m_joining = true;
  m_config.resume = true;  // every whole chunk counts, wherever it was rendered
  m_config.quiet = quiet;
  m_project = std::move(record.project);
  m_show_key = record.show_key;
  m_plan = std::move(record.plan);
  m_farm = std::move(record.farm);
  m_output = m_config.output;
  // What may have changed since the submission: the output's place.
  check_output_location(m_config.output);
  check_outputs_are_safe(m_config, m_project);
  // The join job may start while the render that submitted it still holds
  // the folder for a moment.
  open_work_folder(std::chrono::seconds(30));
  m_t_validated = m_t_start;
  write_jobs();
  m_t_planned = Clock::now();
}

RenderSession::~RenderSession() = default;

void RenderSession::open_work_folder(std::chrono::milliseconds wait) {
  auto work = WorkFolder::open(m_output, m_config.work_dir, wait);
  if (!work) throw Fatal(ExitCode::k_invalid_input, work.error().message);
  m_work.emplace(std::move(work.value()));
}

bool RenderSession::adopt_recorded_plan() {
  if (!m_config.resume) return false;
  const std::string path = (fs::path(m_work->path()) / k_render_record_name).string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  auto record = read_render_record(path);
  const PlanSettings& asked = m_config.plan;
  const bool same = record && record.value().version == content_version() &&
                    record.value().show_key == m_show_key && record.value().config.backend == m_config.backend &&
                    record.value().config.plan.workers == asked.workers &&
                    record.value().config.plan.threads_per_worker == asked.threads_per_worker &&
                    record.value().config.plan.chunk_seconds == asked.chunk_seconds &&
                    record.value().config.plan.memory_budget == asked.memory_budget;
  if (!same) {
    if (!m_config.quiet)
      m_printer.print_line("chunkreel: the show, the plan's settings or chunkreel changed since the plan recorded "
                           "in the work folder; planning again (finished chunks that still match are reused)");
    return false;
  }
  m_plan = std::move(record.value().plan);
  m_farm = std::move(record.value().farm);
  return true;
}

void RenderSession::write_record() {
  RenderRecord record;
  record.version = content_version();
  record.config = with_absolute_paths(m_config);
  record.config.resume = false;
  record.config.quiet = false;
  record.show_key = m_show_key;
  record.project = m_project;
  record.plan = m_plan;
  record.farm = m_farm;
  Expected<void> written = write_render_record(record, claim_file(k_render_record_name));
  if (!written) throw Fatal(ExitCode::k_invalid_input, written.error().message);
}

// Files a folder show left out, one line each, or a count and the first few
// when there are many (the report lists them all); then unusable profiles.
void RenderSession::print_input_warnings() {
  const std::vector<std::string>& left_out = m_project.timeline.left_out;
  constexpr size_t k_listed = 5;
  if (left_out.size() <= k_listed) {
    for (const std::string& line : left_out) m_printer.print_line("chunkreel: warning: left out " + line);
  } else {
    std::string names;
    for (size_t i = 0; i < 3; ++i) names += left_out[i].substr(0, left_out[i].find(':')) + ", ";
    m_printer.print_line(fmt::format("chunkreel: warning: left out {} files of the folder ({}...); the report lists "
                                     "them with their reasons",
                                     left_out.size(), names));
  }
  for (const std::string& line : m_project.warnings) m_printer.print_line("chunkreel: warning: " + line);
}

// Every file goes into chunkreel's own work folder, recorded there before it
// exists (session/work_folder.h).
void RenderSession::write_jobs() {
  auto claim = [this](const std::string& name) { return claim_file(name); };
  m_audio_path = claim("audio.m4a");
  if (m_config.backend == Backend::k_slurm) {
    // The task script lives beside the jobs, on the filesystem the nodes share.
    m_task_script = claim("slurm-task.sh");
    Expected<void> written = write_file_atomically(
        m_task_script, slurm_task_script(worker_executable_path(), m_work->path()), Replace::k_allowed,
        own_temporary_path(m_task_script));
    if (!written || ::chmod(m_task_script.c_str(), 0755) != 0)
      throw Fatal(ExitCode::k_invalid_input,
                  fmt::format("{}: cannot write the task script ({}); the work folder must be writable, on a "
                              "filesystem the nodes share",
                              m_task_script, written ? std::strerror(errno) : written.error().message));
  }
  std::vector<ChunkJob> jobs;
  std::map<std::string, int> showing;  // shared picture -> chunks to render that show it
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
    for (const JobSlide& slide : job.slides)
      if (!slide.shared_picture.empty()) ++showing[slide.shared_picture];
    jobs.push_back(std::move(job));
  }
  for (ChunkJob& job : jobs) {
    const ChunkPlan& chunk = m_plan.chunks[job.chunk_index];
    // A picture is worth a file only when two chunks still to render show
    // it. Its name, and the temporary name this chunk writes it through,
    // are recorded before any worker can make them.
    for (JobSlide& slide : job.slides) {
      if (slide.shared_picture.empty()) continue;
      if (showing[slide.shared_picture] < 2) {
        slide.shared_picture.clear();
        continue;
      }
      const std::string name = fs::path(slide.shared_picture).filename().string();
      claim(name);
      claim(fs::path(shared_picture_temporary(name, job.chunk_index)).stem().string());
      m_shared_by_chunk[job.chunk_index].push_back(slide.shared_picture);
      m_shared_pictures.add(job.chunk_index, slide.span.index, slide.shared_picture);
    }
    const std::string job_path = claim(job_file_name(chunk.index));
    Expected<void> written = write_chunk_job(job, job_path);
    if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
    m_scheduled.push_back({chunk.index, job_path, chunk.cost, m_plan.chunk_peak_bytes[chunk.index]});
  }
}

void RenderSession::render() {
  const std::atomic<bool>& interrupted = m_interrupted;
  const RenderConfig& config = m_config;
  const int64_t frames = m_project.timing.frames;
  // 3. Render, with the soundtrack encoded alongside.
  m_audio = std::make_unique<AudioTask>(m_project.timeline, m_project.track_lengths, clip_voices(m_project),
                                        frame_time(frames, m_project.timeline.output.fps), m_audio_path);
  std::unique_ptr<CommandRunner> runner = make_runner();
  ProgressDisplay display(&m_printer, config.quiet, frames, static_cast<int>(m_plan.chunks.size()),
                          config.backend == Backend::k_local ? m_plan.workers : 0, &m_memory);
  display.add_reused(static_cast<int>(m_reused.size()), m_reused_frames);
  ObserverList observers({&m_memory, &display, &m_shared_pictures});
  ScheduleOptions options;
  options.retries = config.retries;
  options.memory_budget = config.backend == Backend::k_local ? m_plan.memory_budget : 0;
  options.measure_first = m_plan.measure_first && options.memory_budget > 0;
  options.budget_given = m_plan.budget_given;
  options.unmeasured_correction = 1 + k_estimate_error;
  if (config.backend == Backend::k_local) options.estimate_at_start = [this](int chunk) { return estimate_now(chunk); };
  m_schedule = run_schedule(m_scheduled, *runner, options, observers, interrupted);
  if (m_slurm_runner) {
    const SlurmCalls& calls = m_slurm_runner->calls();
    m_farm_facts.arrays = static_cast<int>(m_slurm_runner->arrays().size());
    m_farm_facts.lost_tasks = m_slurm_runner->lost_tasks();
    m_farm_facts.sbatch_calls = calls.sbatch;
    m_farm_facts.squeue_calls = calls.squeue;
    m_farm_facts.scancel_calls = calls.scancel;
    m_farm_facts.scontrol_calls = calls.scontrol;
    m_farm_facts.retried_calls = calls.retried;
    m_slurm_runner = nullptr;
  }
  display.finish();
  m_t_rendered = Clock::now();
  if (m_schedule.interrupted)
    throw Fatal(ExitCode::k_interrupted,
                fmt::format("interrupted; {} finished chunk{} kept in {}", m_schedule.runs.size(),
                            plural(m_schedule.runs.size()), m_work->path()));
  if (m_schedule.budget_needed > 0 && m_schedule.budget_measured)
    throw Fatal(ExitCode::k_invalid_input,
                fmt::format("the memory budget of {} cannot hold one worker: chunk {} measured {} at its "
                            "peak; the smallest budget that works is {} (its work is kept for --resume)",
                            format_bytes(m_plan.memory_budget), m_schedule.runs.back().chunk,
                            format_bytes(m_schedule.budget_needed),
                            format_bytes(((m_schedule.budget_needed >> 20) + 1) << 20)));
  if (m_schedule.budget_needed > 0)
    throw Fatal(ExitCode::k_invalid_input,
                fmt::format("the memory budget of {} cannot hold one worker: chunk {}, running alone, went "
                            "past it and was stopped; the smallest budget that can work is above {}, about {} "
                            "by its estimate",
                            format_bytes(m_plan.memory_budget), m_schedule.budget_passed_chunk,
                            format_bytes(m_plan.memory_budget),
                            format_bytes(((m_schedule.budget_needed >> 20) + 1) << 20)));
  if (!m_schedule.failure.empty()) throw Fatal(ExitCode::k_render_failed, failure_message());
}

// A local worker reads every shared picture that exists when it starts (a
// picture stays until every chunk that shows it has finished) and decodes
// the others, even one a neighbour writes meanwhile (SlideImages); so the
// estimate at its start, which counts the pictures already written as
// read, is what the worker will do.
int64_t RenderSession::estimate_now(int chunk) {
  const std::set<int> reads = m_shared_pictures.written(chunk);
  m_estimate_reads[chunk] = static_cast<int>(reads.size());
  if (reads.empty()) return m_plan.chunk_peak_bytes[chunk];
  return chunk_peak_estimate(m_project, m_plan.chunks[chunk], m_plan.threads_per_worker, reads);
}

std::string RenderSession::claim_file(const std::string& name) {
  auto path = m_work->claim(name);
  if (!path) throw Fatal(ExitCode::k_render_failed, path.error().message);
  return path.value();
}

std::unique_ptr<CommandRunner> RenderSession::make_runner() {
  if (m_config.backend == Backend::k_slurm) {
    auto runner = std::make_unique<SlurmRunner>(slurm_options());
    m_slurm_runner = runner.get();
    return runner;
  }
  return std::make_unique<WorkerPool>(
      worker_executable_path(), m_plan.workers,
      std::chrono::milliseconds(static_cast<int64_t>(m_config.stall_timeout_s * 1000)), m_config.nice);
}

SlurmRunnerOptions RenderSession::slurm_options() {
  SlurmRunnerOptions options;
  options.settings = m_config.slurm;
  options.work_dir = m_work->path();
  options.script = m_task_script;
  options.job_name = "chunkreel-" + fs::path(m_output).stem().string();
  options.cpus_per_task = m_plan.threads_per_worker;
  for (const ChunkPlan& chunk : m_plan.chunks) options.estimated_peak_bytes[chunk.index] = m_plan.chunk_peak_bytes[chunk.index];
  // The manifests, and each task's output files, are recorded as
  // chunkreel's the moment their names are known.
  options.record_file = [this](const std::string& name) { return static_cast<bool>(m_work->claim(name)); };
  options.record_attempt = [this](int chunk, const std::string& attempt) {
    // The chunk's temporary and its shared pictures' (claim records a
    // name with its ".tmp").
    std::vector<std::string> temporaries{attempt_temporary(m_chunk_paths[chunk], attempt)};
    for (const std::string& picture : m_shared_by_chunk[chunk])
      temporaries.push_back(shared_picture_temporary(picture, chunk, attempt));
    for (const std::string& temporary : temporaries)
      if (!m_work->claim(fs::path(temporary).stem().string())) return false;
    return true;
  };
  options.log = [this](const std::string& line) { m_printer.print_line("chunkreel: " + line); };
  options.keep_trying = [] { return interrupt_count() == 0; };
  options.keep_waiting = [] { return interrupt_count() < 2; };
  return options;
}

void RenderSession::detach() {
  if (m_config.backend != Backend::k_slurm) throw Fatal(ExitCode::k_invalid_input, "--detach needs --backend slurm");
  SlurmRunner runner(slurm_options());
  // A chunk Slurm killed for memory asks for twice as much this time.
  if (m_joining)
    for (const auto& [array, chunks] : m_farm.array_chunks)
      for (size_t i = 0; i < chunks.size(); ++i)
        if (auto asked = m_farm.task_mem_mib.find(chunks[i]); asked != m_farm.task_mem_mib.end() &&
                                                              task_killed_for_memory(m_work->path(), array, static_cast<int>(i)))
          runner.raise_memory(chunks[i], 2 * asked->second);
  for (const ScheduledChunk& chunk : m_scheduled) {
    WorkerTask task;
    task.chunk = chunk.chunk;
    task.job_path = chunk.job_path;
    runner.start(task);
  }
  Expected<void> submitted = runner.flush_starts();
  if (!submitted) throw Fatal(ExitCode::k_render_failed, submitted.error().message);
  // The join reads the plan recorded here, with what was submitted.
  if (m_joining) ++m_farm.resubmissions;
  std::vector<std::string> ids;
  for (const SubmittedArray& array : runner.arrays()) {
    ids.push_back(array.id);
    m_farm.arrays.push_back(array.id);
    m_farm.array_chunks[array.id] = array.chunks;
  }
  for (const auto& [chunk, mib] : runner.asked_mem_mib()) m_farm.task_mem_mib[chunk] = mib;
  write_record();

  std::string after;
  for (const std::string& id : ids) after += (after.empty() ? "" : ":") + id;
  const std::string chunkreel = fs::read_symlink("/proc/self/exe").string();
  SlurmClient client([this](const std::string& line) { m_printer.print_line("chunkreel: " + line); },
                     [] { return interrupt_count() == 0; });
  auto join = client.submit(sbatch_after_argv(after, shell_line({chunkreel, "join", m_work->path()}), m_work->path(),
                                              "chunkreel-join-" + fs::path(m_output).stem().string(), m_config.slurm),
                            "");
  if (!join)
    throw Fatal(ExitCode::k_render_failed, "the chunks are submitted, but the join job is not: " + join.error().message);
  claim_file("slurm-join-" + join.value() + ".out");
  m_farm.join_job = join.value();
  write_record();
  if (m_config.quiet) return;
  std::string arrays;
  for (const std::string& id : ids) arrays += (arrays.empty() ? "" : ",") + id;
  m_printer.print_line(fmt::format("chunkreel: submitted {} chunk{} as job array{} {} and the join as job {}",
                                   m_scheduled.size(), plural(m_scheduled.size()), plural(ids.size()),
                                   arrays.empty() ? "(none)" : arrays, join.value()));
  m_printer.print_line(fmt::format("chunkreel: follow them with: squeue -j {}", arrays.empty() ? join.value() : arrays + "," + join.value()));
  m_printer.print_line(fmt::format("chunkreel: {} appears when the join has run; its log is {}/slurm-join-{}.out",
                                   m_output, m_work->path(), join.value()));
}

void RenderSession::adopt_farm_results() {
  const FarmState& record = m_farm;
  // Slurm's own times for the tasks it still remembers (MinJobAge): one
  // question for every array.
  std::map<std::string, TaskState> slurm;
  if (!record.arrays.empty()) {
    SlurmClient client;
    if (auto states = client.query(record.arrays)) slurm = std::move(states.value());
  }
  std::vector<int> still_reused;
  for (int chunk : m_reused) {
    // The newest task that finished this chunk rendered it; every task
    // submitted for it counts as an attempt.
    std::optional<WorkerStats> stats;
    int attempts = 0;
    for (const std::string& array : record.arrays) {
      const auto listed = record.array_chunks.find(array);
      if (listed == record.array_chunks.end()) continue;
      const auto at = std::find(listed->second.begin(), listed->second.end(), chunk);
      if (at == listed->second.end()) continue;
      const int index = static_cast<int>(at - listed->second.begin());
      ++attempts;
      auto found = finished_task_stats(m_work->path(), array, index);
      if (!found) continue;
      if (auto times = slurm.find(found->slurm_job); times != slurm.end()) {
        found->queue_wait_s = times->second.queue_wait_s;
        found->slurm_run_s = times->second.run_s;
      }
      stats = found;
    }
    if (!stats) {
      still_reused.push_back(chunk);
      continue;
    }
    ChunkRun run;
    run.chunk = chunk;
    run.attempts = std::max(1, attempts);
    run.stats = *stats;
    m_farm_runs.push_back(run);
    m_farm_attempts.push_back({chunk, run.attempts, 0, 0, stats->wall_s, true, stats->node});
    m_reused_frames -= m_plan.chunks[chunk].frame_count;
  }
  m_reused = still_reused;
}

std::string RenderSession::chunks_to_render_text() const {
  std::string text;
  for (const ScheduledChunk& s : m_scheduled) {
    const ChunkPlan& c = m_plan.chunks[s.chunk];
    text += fmt::format("{}chunk {} (frames {}-{}, slides {}-{})", text.empty() ? "" : ", ", c.index, c.first_frame,
                        c.first_frame + c.frame_count - 1, c.first_slide, c.last_slide);
  }
  return text;
}

// Names the chunk, its frames and slides, and how to go on.
std::string RenderSession::failure_message() const {
  std::string where;
  if (m_schedule.failed_chunk >= 0) {
    const ChunkPlan& c = m_plan.chunks[m_schedule.failed_chunk];
    where = fmt::format(" (frames {}-{}, slides {}-{}: {})", c.first_frame, c.first_frame + c.frame_count - 1,
                        c.first_slide, c.last_slide,
                        m_project.timeline.slides[c.first_slide].card
                            ? std::string("a title card")
                            : fs::path(m_project.timeline.slides[c.first_slide].image).filename().string());
  }
  return fmt::format("{}{}\nfinished chunks are kept in {}; run again with --resume", m_schedule.failure,
                     where, m_work->path());
}

RenderOutcome RenderSession::finish() {
  const Project& project = m_project;
  const RenderPlan& plan = m_plan;
  // 4. Join by stream copy, with the audio.
  auto interrupted = [this] {
    return Fatal(ExitCode::k_interrupted, fmt::format("interrupted; the finished chunks are kept in {}; run again "
                                                      "with --resume",
                                                      m_work->path()));
  };
  auto audio_path = m_audio->wait(m_interrupted);
  if (m_interrupted.load()) throw interrupted();
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
  join.replace = m_config.overwrite ? Replace::k_allowed : Replace::k_never;
  join.interrupted = &m_interrupted;
  auto joined = join_chunks(join, m_output);
  if (joined && joined.value().interrupted) throw interrupted();
  if (!joined)
    throw Fatal(ExitCode::k_render_failed, fmt::format("{}\nthe finished chunks are kept in {}; run again with --resume",
                                                       joined.error().message, m_work->path()));
  const auto t_joined = Clock::now();

  // 5. Report.
  RunFacts facts;
  facts.output_path = m_output;
  facts.frames = project.timing.frames;
  facts.duration_s = frame_time(project.timing.frames, project.timeline.output.fps);
  facts.bytes = joined.value().bytes;
  facts.workers = plan.workers;
  facts.threads_per_worker = plan.threads_per_worker;
  facts.machine = plan.machine;
  facts.chunks = plan.chunks;
  facts.runs = m_schedule.runs;
  facts.attempts = m_schedule.attempts;
  facts.runs.insert(facts.runs.end(), m_farm_runs.begin(), m_farm_runs.end());
  facts.attempts.insert(facts.attempts.end(), m_farm_attempts.begin(), m_farm_attempts.end());
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
  facts.estimated_peak_bytes = plan.chunk_peak_bytes;
  facts.estimate_shared_reads = m_estimate_reads;
  if (m_config.backend == Backend::k_slurm) {
    facts.on_farm = true;
    facts.farm = m_farm_facts;
    facts.farm.arrays += static_cast<int>(m_farm.arrays.size());  // a join's: the detached render's
  }
  nlohmann::json report = build_report(facts);
  RenderOutcome outcome{m_output, project.timing.frames, m_show_key, seconds_since_epoch()};
  report["content_key"] = outcome.content_key;
  report["chunkreel"] = content_version();
  report["left_out"] = project.timeline.left_out;
  report["input_warnings"] = project.warnings;
  report["framing"] = framing_json(project);
  if (const std::optional<LoudnessLevels> loudness = m_audio->loudness()) {
    // Silence measures -inf, which JSON writes as null.
    report["audio"]["loudness"] = {{"target_lufs", *project.timeline.audio_mix.loudness},
                                   {"true_peak_ceiling_db", project.timeline.audio_mix.true_peak},
                                   {"before_lufs", loudness->before_lufs},
                                   {"before_true_peak_db", loudness->before_peak},
                                   {"gain_db", loudness->gain_db},
                                   {"limited", loudness->limited},
                                   {"after_lufs", loudness->after_lufs},
                                   {"after_true_peak_db", loudness->after_peak}};
  }
  write_report(report);
  if (!m_config.keep_chunks) m_work->remove();

  if (!m_config.quiet)
    for (const std::string& line : summary_lines(report)) m_printer.print_line(line);
  return outcome;
}

void RenderSession::write_report(const nlohmann::json& report) const {
  if (m_config.report.empty()) return;
  const Replace replace = m_config.overwrite ? Replace::k_allowed : Replace::k_never;
  Expected<void> written = write_file_atomically(m_config.report, report.dump(2) + "\n", replace);
  if (written) written = write_file_atomically(html_path_for(m_config.report), report_html(report, m_project.thumbnails), replace);
  if (!written) throw Fatal(ExitCode::k_render_failed, written.error().message);
}

}  // namespace chunkreel
