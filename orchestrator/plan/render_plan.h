// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The decision on workers, threads and chunk length. Pure: the project, the
// settings and the machine in, data out.

#include <set>
#include <string>
#include <vector>

#include "orchestrator/plan/chunk_boundaries.h"
#include "orchestrator/plan/machine.h"
#include "orchestrator/project/project_check.h"

namespace chunkreel {

/// What the user asked of the plan; 0 means "decide automatically".
struct PlanSettings {
  int workers = 0;             ///< most worker processes at once
  int threads_per_worker = 0;
  double chunk_seconds = 0;
  int64_t memory_budget = 0;   ///< bytes; 0: stay inside available memory
};

struct RenderPlan {
  int workers = 1;             ///< processes at once (never more than chunks)
  int threads_per_worker = 1;
  double chunk_seconds = 0;    ///< the length aimed at
  std::vector<ChunkPlan> chunks;
  std::vector<int64_t> chunk_peak_bytes;  ///< estimated worker peak, per chunk
  int64_t memory_budget = 0;   ///< what admission keeps the workers under
  bool budget_given = false;   ///< from --memory-budget (else from available memory)
  /// The largest chunk estimate exceeds the budget, or comes within
  /// k_estimate_error of it: run that chunk alone first, and let its
  /// measured peak accept or refuse the budget.
  bool measure_first = false;
  std::string reason;          ///< why these numbers, in a sentence or two
  Machine machine;             ///< what the plan counted on, and where each figure came from
};

/// Decides the plan for `machine`; its available memory bounds the plan when
/// no budget is given. A budget below the largest estimate is not refused
/// here (see RenderPlan::measure_first).
Expected<RenderPlan> make_render_plan(const Project& project, const PlanSettings& settings,
                                      const Machine& machine);

/// The estimated peak of a worker rendering `chunk` with `threads` encoder
/// threads that reads the slides in `shared_reads` (the show's slide
/// indexes) from neighbours' shared pictures and decodes the others. The
/// plan's estimates (RenderPlan::chunk_peak_bytes) decode every slide.
int64_t chunk_peak_estimate(const Project& project, const ChunkPlan& chunk, int threads,
                            const std::set<int>& shared_reads = {});

}  // namespace chunkreel
