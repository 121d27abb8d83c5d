#include "orchestrator/cli/commands.h"

#include <cstdio>
#include <filesystem>

#include "common/atomic_file.h"
#include "orchestrator/plan/plan_description.h"
#include "orchestrator/project/project_load.h"
#include "orchestrator/session/output_check.h"
#include "orchestrator/session/render_session.h"

namespace chunkreel {

namespace fs = std::filesystem;

int run_render(const RenderConfig& config) {
  RenderSession session(config);
  session.render();
  session.finish();
  return 0;
}

int run_plan(const Command& command) {
  auto project = load_project(command.render.project);
  if (!project) throw Fatal(ExitCode::k_invalid_input, project.error().message);
  auto plan = make_render_plan(project.value(), command.render.plan, this_machine());
  if (!plan) throw Fatal(ExitCode::k_invalid_input, plan.error().message);
  if (command.json)
    std::printf("%s\n", plan_json(project.value(), plan.value()).dump(2).c_str());
  else
    std::fputs(describe_plan(project.value(), plan.value()).c_str(), stdout);
  return 0;
}

int run_init(const RenderConfig& config) {
  auto timeline = timeline_from_folder(config.project.path, config.project.folder);
  if (!timeline) throw Fatal(ExitCode::k_invalid_input, timeline.error().message);
  Expected<void> safe = check_outputs({{"-o", config.output}}, inputs_of(timeline.value(), "the show"));
  if (!safe) throw Fatal(ExitCode::k_invalid_input, safe.error().message);
  const fs::path project = fs::absolute(config.output);
  Expected<void> written = write_file_atomically(
      project.string(), timeline_as_project(timeline.value(), project.parent_path().string()));
  if (!written) throw Fatal(ExitCode::k_invalid_input, written.error().message);
  std::printf("%s\n", project.string().c_str());
  return 0;
}

}  // namespace chunkreel
