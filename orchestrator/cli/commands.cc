// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/commands.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/content_key.h"
#include "orchestrator/plan/plan_description.h"
#include "orchestrator/project/project_load.h"
#include "orchestrator/session/output_check.h"
#include "orchestrator/run/slurm_runner.h"
#include "orchestrator/run/system_command.h"
#include "orchestrator/run/worker_pool.h"
#include "orchestrator/session/render_record.h"
#include "orchestrator/session/render_session.h"
#include "orchestrator/session/work_folder.h"

namespace chunkreel {

namespace fs = std::filesystem;

namespace {

// What a farm render of this plan would submit, without submitting.
void print_sbatch_lines(const RenderConfig& config, const RenderPlan& plan) {
  const std::string output =
      config.output.empty() ? fs::path(config.project.path).replace_extension(".mp4").string() : config.output;
  const std::string work = WorkFolder::location(output, config.work_dir);
  SlurmRunnerOptions options;
  options.settings = config.slurm;
  options.work_dir = work;
  options.script = work + "/slurm-task.sh";
  options.job_name = "chunkreel-" + fs::path(output).stem().string();
  options.cpus_per_task = plan.threads_per_worker;
  // The controller's limits shape the arrays; a plan does not wait for an
  // unreachable one (Slurm's defaults are taken at once).
  options.keep_trying = [] { return false; };
  std::vector<WorkerTask> tasks;
  for (const ChunkPlan& chunk : plan.chunks) {
    options.estimated_peak_bytes[chunk.index] = plan.chunk_peak_bytes[chunk.index];
    tasks.push_back(WorkerTask{chunk.index, 1, 0, ""});
  }
  std::printf("sbatch (the chunks, as job arrays; task i of an array runs %s on the job of the chunk on line i + 1 "
              "of its manifest):\n",
              worker_executable_path().c_str());
  for (const auto& line : SlurmRunner(options).sbatch_lines(tasks)) std::printf("  %s\n", shell_line(line).c_str());
  if (config.slurm.detach)
    std::printf("sbatch (with --detach, the join, after the array):\n  %s\n",
                shell_line(sbatch_after_argv("ARRAY_ID", shell_line({fs::read_symlink("/proc/self/exe").string(), "join", work}), work, "chunkreel-join-" +
                                             fs::path(output).stem().string(), config.slurm)).c_str());
}

}  // namespace

int run_render(const RenderConfig& config) {
  RenderSession session(config);
  if (config.slurm.detach) {
    session.detach();
    return 0;
  }
  session.render();
  session.finish();
  return 0;
}

namespace {

// A hand-typed join while the render's own join job is still queued would
// submit the missing chunks a second time: it is refused. The join job
// itself (SLURM_JOB_ID) goes ahead, and so does any join once that job has
// ended. Read under the folder's lock, so the record is the latest.
void check_join_job_done(const std::string& record_path) {
  auto record = read_render_record(record_path);
  if (!record) throw Fatal(ExitCode::k_invalid_input, record.error().message);
  const std::string& job = record.value().farm.join_job;
  const char* self = std::getenv("SLURM_JOB_ID");
  if (job.empty() || (self && job == self)) return;
  auto states = SlurmClient().query({job});
  if (!states) return;  // no word from Slurm: the job is long gone
  for (const auto& [id, state] : states.value())
    if (!is_final_state(state.state))
      throw Fatal(ExitCode::k_invalid_input,
                  fmt::format("{}: its join job {} is still {}; wait for it, or scancel {} first",
                              fs::path(record_path).parent_path().string(), job, state.state, job));
}

}  // namespace

int run_join(const RenderConfig& given) {
  const std::string work = fs::absolute(given.project.path).lexically_normal().string();
  const std::string record_path = (fs::path(work) / k_render_record_name).string();
  auto record = read_render_record(record_path);
  if (!record) throw Fatal(ExitCode::k_invalid_input, record.error().message);
  const RenderConfig& recorded = record.value().config;
  if (recorded.backend != Backend::k_slurm || !recorded.slurm.detach)
    throw Fatal(ExitCode::k_invalid_input,
                work + ": not the work folder of a detached farm render (render again with --resume to finish it)");
  if (fs::path(WorkFolder::location(recorded.output, recorded.work_dir)).lexically_normal() != fs::path(work))
    throw Fatal(ExitCode::k_invalid_input, work + ": its render.json belongs to another work folder");
  if (record.value().version != content_version())
    throw Fatal(ExitCode::k_invalid_input,
                fmt::format("{}: planned by {}, and this is {}; join it with that chunkreel, or render again",
                            record_path, record.value().version, content_version()));
  // -y on the join lets it replace a file that appeared at the output
  // since the render was submitted.
  if (given.overwrite) record.value().config.overwrite = true;
  RenderSession session(std::move(record.value()), given.quiet);
  check_join_job_done(record_path);
  const RenderConfig& config = session.config();
  if (session.chunks_to_render() == 0) {
    session.adopt_farm_results();
    session.render();  // nothing to run: the audio, then the join
    session.finish();
    return 0;
  }
  const int resubmissions = session.resubmissions();
  if (resubmissions < config.retries) {
    session.detach();
    return 0;
  }
  const std::string message = fmt::format(
      "{} still missing after {} resubmission{}: {}\nfinished chunks are kept in {}; the tasks' output files "
      "there say why",
      session.chunks_to_render() == 1 ? "a chunk is" : "chunks are", resubmissions, resubmissions == 1 ? "" : "s",
      session.chunks_to_render_text(), work);
  const nlohmann::json failure = {{"status", "failed"},
                                  {"output", config.output},
                                  {"error", message},
                                  {"missing_chunks", session.chunks_to_render_text()},
                                  {"resubmissions", resubmissions},
                                  {"work_dir", work}};
  const std::string report = config.report.empty() ? session.claim_failure_file() : config.report;
  write_file_atomically(report, failure.dump(2) + "\n",
                        config.report.empty() || config.overwrite ? Replace::k_allowed : Replace::k_never);
  throw Fatal(ExitCode::k_render_failed, message);
}

int run_plan(const Command& command) {
  auto project = load_project(command.render.project);
  if (!project) throw Fatal(ExitCode::k_invalid_input, project.error().message);
  auto plan = make_render_plan(project.value(), command.render.plan, machine_for(command.render));
  if (!plan) throw Fatal(ExitCode::k_invalid_input, plan.error().message);
  // What a render would go ahead despite, told now too.
  for (const std::string& line : project.value().warnings) std::fprintf(stderr, "chunkreel: warning: %s\n", line.c_str());
  if (command.json)
    print_plan_json(stdout, project.value(), plan.value());
  else
    std::fputs(describe_plan(project.value(), plan.value()).c_str(), stdout);
  if (command.render.backend == Backend::k_slurm && !command.json) print_sbatch_lines(command.render, plan.value());
  return 0;
}

int run_init(const RenderConfig& config) {
  auto timeline = timeline_from_folder(config.project.path, config.project.folder);
  if (!timeline) throw Fatal(ExitCode::k_invalid_input, timeline.error().message);
  const Replace replace = config.overwrite ? Replace::k_allowed : Replace::k_never;
  Expected<void> safe = check_outputs({{"-o", config.output, replace}}, inputs_of(timeline.value(), "the show"));
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
  // The show is checked as a render would check it, so the file written
  // carries what framing found: each slide it steers gets its resolved
  // motion and the region found as its focus, for the user to edit.
  CheckOptions check;
  check.max_pixels = config.project.max_pixels;
  Expected<Project> checked = check_project(timeline.value(), check);
  if (!checked) throw Fatal(ExitCode::k_invalid_input, checked.error().message);
  for (size_t i = 0; i < timeline.value().slides.size(); ++i) {
    const std::optional<Box> found = found_region(checked.value().subjects[i]);
    if (!found) continue;
    Slide& slide = timeline.value().slides[i];
    slide.motion = checked.value().timeline.slides[i].motion;
    slide.auto_motion = false;
    slide.focus = Focus{Focus::Kind::k_box, *found};
  }
  const fs::path project = fs::absolute(config.output);
  if (!config.quiet)
    for (const std::string& line : timeline.value().left_out)
      std::fprintf(stderr, "chunkreel: warning: left out %s\n", line.c_str());
  Expected<void> written = write_file_atomically(
      project.string(), timeline_as_project(timeline.value(), project.parent_path().string()), replace);
  if (!written) throw Fatal(ExitCode::k_invalid_input, written.error().message);
  if (!config.quiet) std::printf("%s\n", project.string().c_str());
  return 0;
}

}  // namespace chunkreel
