// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/plan_description.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.h"
#include "orchestrator/plan/plan_json.h"

namespace chunkreel {

std::string describe_plan(const Project& project, const RenderPlan& plan) {
  const OutputSettings& out = project.timeline.output;
  std::string text = fmt::format(
      "plan: {} frames ({}) at {}x{}, {} chunk{}, {} worker{} x {} thread{}\n", project.timing.frames,
      format_duration(project.timing.duration), out.width, out.height, plan.chunks.size(),
      plan.chunks.size() == 1 ? "" : "s", plan.workers, plan.workers == 1 ? "" : "s",
      plan.threads_per_worker, plan.threads_per_worker == 1 ? "" : "s");
  text += "why: " + plan.reason + "\n";
  text += fmt::format("machine: {} core{} ({}), {} available ({})\n", plan.machine.cores,
                      plan.machine.cores == 1 ? "" : "s", plan.machine.cores_from,
                      plan.machine.available_memory > 0 ? format_bytes(plan.machine.available_memory) : "memory",
                      plan.machine.memory_from.empty() ? "not known" : plan.machine.memory_from);
  const int64_t largest = *std::max_element(plan.chunk_peak_bytes.begin(), plan.chunk_peak_bytes.end());
  text += fmt::format("memory: budget {} ({}), largest chunk about {}\n", format_bytes(plan.memory_budget),
                      plan.budget_given ? "given" : "80% of available", format_bytes(largest));
  text += "chunk  first frame  frames  slides     cost   est. memory\n";
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    const ChunkPlan& c = plan.chunks[i];
    text += fmt::format("{:5}  {:11}  {:6}  {:>4}-{:<4}  {:6.1f}  {:>11}\n", c.index, c.first_frame,
                        c.frame_count, c.first_slide, c.last_slide, c.cost,
                        format_bytes(plan.chunk_peak_bytes[i]));
  }
  return text;
}

nlohmann::json plan_json(const Project& project, const RenderPlan& plan) {
  nlohmann::json json = render_plan_to_json(plan);
  json["frames"] = project.timing.frames;
  json["duration_s"] = project.timing.duration;
  return json;
}

}  // namespace chunkreel
