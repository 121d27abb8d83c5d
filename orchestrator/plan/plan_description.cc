#include "orchestrator/plan/plan_description.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.h"

namespace chunkreel {

std::string describe_plan(const Project& project, const RenderPlan& plan) {
  const OutputSettings& out = project.timeline.output;
  std::string text = fmt::format(
      "plan: {} frames ({}) at {}x{}, {} chunk{}, {} worker{} x {} thread{}\n", project.timing.frames,
      format_duration(project.timing.duration), out.width, out.height, plan.chunks.size(),
      plan.chunks.size() == 1 ? "" : "s", plan.workers, plan.workers == 1 ? "" : "s",
      plan.threads_per_worker, plan.threads_per_worker == 1 ? "" : "s");
  text += "why: " + plan.reason + "\n";
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
  nlohmann::json chunks = nlohmann::json::array();
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    const ChunkPlan& c = plan.chunks[i];
    chunks.push_back({{"index", c.index},
                      {"first_frame", c.first_frame},
                      {"frame_count", c.frame_count},
                      {"first_slide", c.first_slide},
                      {"last_slide", c.last_slide},
                      {"transition_frames", c.transition_frames},
                      {"cost", c.cost},
                      {"estimated_peak_bytes", plan.chunk_peak_bytes[i]}});
  }
  return {{"frames", project.timing.frames},
          {"duration_s", project.timing.duration},
          {"workers", plan.workers},
          {"threads_per_worker", plan.threads_per_worker},
          {"chunk_seconds", plan.chunk_seconds},
          {"chunk_count", plan.chunks.size()},
          {"memory_budget_bytes", plan.memory_budget},
          {"memory_budget_given", plan.budget_given},
          {"reason", plan.reason},
          {"chunks", chunks}};
}

}  // namespace chunkreel
