// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/plan_json.h"

namespace chunkreel {

using nlohmann::json;

json machine_to_json(const Machine& m) {
  return {{"cores", m.cores},
          {"cores_from", m.cores_from},
          {"available_memory_bytes", m.available_memory},
          {"memory_from", m.memory_from}};
}

Machine machine_from_json(const json& value) {
  Machine m;
  m.cores = value.at("cores").get<int>();
  m.cores_from = value.at("cores_from").get<std::string>();
  m.available_memory = value.at("available_memory_bytes").get<int64_t>();
  m.memory_from = value.at("memory_from").get<std::string>();
  return m;
}

json render_plan_to_json(const RenderPlan& plan) {
  json chunks = json::array();
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
  return {{"workers", plan.workers},
          {"threads_per_worker", plan.threads_per_worker},
          {"chunk_seconds", plan.chunk_seconds},
          {"chunk_count", plan.chunks.size()},
          {"memory_budget_bytes", plan.memory_budget},
          {"memory_budget_given", plan.budget_given},
          {"measure_first", plan.measure_first},
          {"reason", plan.reason},
          {"machine", machine_to_json(plan.machine)},
          {"chunks", chunks}};
}

RenderPlan render_plan_from_json(const json& value) {
  RenderPlan plan;
  plan.workers = value.at("workers").get<int>();
  plan.threads_per_worker = value.at("threads_per_worker").get<int>();
  plan.chunk_seconds = value.at("chunk_seconds").get<double>();
  plan.memory_budget = value.at("memory_budget_bytes").get<int64_t>();
  plan.budget_given = value.at("memory_budget_given").get<bool>();
  plan.measure_first = value.at("measure_first").get<bool>();
  plan.reason = value.at("reason").get<std::string>();
  plan.machine = machine_from_json(value.at("machine"));
  for (const json& c : value.at("chunks")) {
    ChunkPlan chunk;
    chunk.index = c.at("index").get<int>();
    chunk.first_frame = c.at("first_frame").get<int64_t>();
    chunk.frame_count = c.at("frame_count").get<int64_t>();
    chunk.first_slide = c.at("first_slide").get<int>();
    chunk.last_slide = c.at("last_slide").get<int>();
    chunk.transition_frames = c.at("transition_frames").get<int64_t>();
    chunk.cost = c.at("cost").get<double>();
    plan.chunks.push_back(chunk);
    plan.chunk_peak_bytes.push_back(c.at("estimated_peak_bytes").get<int64_t>());
  }
  return plan;
}

}  // namespace chunkreel
