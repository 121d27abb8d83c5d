#include "orchestrator/render_command.h"

#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "orchestrator/folder_show.h"
#include "orchestrator/memory_model.h"
#include "orchestrator/output_check.h"
#include "orchestrator/render_plan.h"
#include "orchestrator/render_session.h"

namespace chunkreel {

namespace fs = std::filesystem;

int run_render(const RenderOptions& options) {
  RenderSession session(options);
  session.render();
  session.finish();
  return 0;
}

std::string project_key(const RenderOptions& options) { return project_key(load_project(options)); }

int run_plan(const RenderOptions& options) {
  const Project project = load_project(options);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto plan = make_render_plan(project, options, cores, available_memory_bytes());
  if (!plan) throw Fatal(ExitCode::k_invalid_input, plan.error().message);
  if (options.json)
    std::printf("%s\n", plan_json(project, plan.value()).dump(2).c_str());
  else
    std::fputs(describe_plan(project, plan.value()).c_str(), stdout);
  return 0;
}

int run_init(const RenderOptions& options) {
  auto timeline = timeline_from_folder(options.project, options.folder);
  if (!timeline) throw Fatal(ExitCode::k_invalid_input, timeline.error().message);
  const fs::path project = fs::absolute(options.output);
  Expected<void> safe = check_outputs({{"-o", options.output}}, inputs_of(timeline.value(), "the show"));
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
  Expected<void> written = write_file_atomically(
      project.string(), timeline_as_project(timeline.value(), project.parent_path().string()));
  if (!written) throw Fatal(ExitCode::k_invalid_input, written.error().message);
  std::printf("%s\n", project.string().c_str());
  return 0;
}

}  // namespace chunkreel
