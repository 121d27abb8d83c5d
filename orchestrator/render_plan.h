#pragma once
// The decision on workers, threads and chunk length, and the chunk jobs that
// follow from it. Pure: the project and the options in, data out.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/chunk_job.h"
#include "orchestrator/cli.h"
#include "orchestrator/planner.h"
#include "orchestrator/project_check.h"

namespace chunkreel {

struct RenderPlan {
  int workers = 1;             ///< processes at once (never more than chunks)
  int threads_per_worker = 1;
  double chunk_seconds = 0;    ///< the length aimed at
  std::vector<ChunkPlan> chunks;
  std::vector<int64_t> chunk_peak_bytes;  ///< estimated worker peak, per chunk
  int64_t memory_budget = 0;   ///< what admission keeps the workers under
  bool budget_given = false;   ///< from --memory-budget (else from available memory)
  std::string reason;          ///< why these numbers, in a sentence or two
};

/// Decides the plan. `available_memory` bounds it when no budget is given.
/// Fails when not even one chunk fits the budget, naming the smallest
/// budget that would work.
Expected<RenderPlan> make_render_plan(const Project& project, const RenderOptions& options,
                                      int cores, int64_t available_memory);

/// The plan for people (`chunkreel plan`) and as JSON (`--json`).
std::string describe_plan(const Project& project, const RenderPlan& plan);
nlohmann::json plan_json(const Project& project, const RenderPlan& plan);

/// The job of chunk `chunk`, writing its chunk into `work_dir`.
ChunkJob make_chunk_job(const Project& project, const RenderPlan& plan, const ChunkPlan& chunk,
                        const std::string& work_dir);

/// chunk_00003_<content key>.mp4
std::string chunk_file_name(int chunk, const std::string& key);
std::string job_file_name(int chunk);

}  // namespace chunkreel
