// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The run report: where the time and memory went, as JSON.
//
// Speedup is the serial-equivalent time (every phase plus every chunk's
// worker wall time, as if run one after another) over the wall time.
// max_speedup is what this plan could reach at best: total work over
// (serial time + max(longest chunk, work / workers)).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/plan/chunk_boundaries.h"
#include "orchestrator/plan/machine.h"
#include "orchestrator/run/memory_sampler.h"
#include "orchestrator/run/scheduler.h"

namespace chunkreel {

struct Phases {
  double validate_s = 0;
  double plan_s = 0;
  double render_s = 0;
  double audio_s = 0;   ///< time the join waited for audio after the render (audio runs alongside)
  double concat_s = 0;
  double total_s = 0;
};

/// What a farm render asked of Slurm (absent on a local render).
struct FarmFacts {
  int arrays = 0;          ///< job arrays submitted
  int lost_tasks = 0;      ///< tasks lost with a node, preempted or requeued
  int sbatch_calls = 0;
  int squeue_calls = 0;
  int scancel_calls = 0;
  int scontrol_calls = 0;
  int retried_calls = 0;  ///< calls tried again after Slurm's transient errors
};

struct RunFacts {
  std::string output_path;
  int64_t frames = 0;
  double duration_s = 0;
  int64_t bytes = 0;
  int workers = 0;
  int threads_per_worker = 0;
  Machine machine;  ///< what the plan counted on
  std::vector<ChunkPlan> chunks;
  std::vector<int64_t> estimated_peak_bytes;  ///< the plan's estimate, per chunk
  /// chunk -> the shared pictures its estimate at admission counted as read
  /// (ChunkRun::estimated_peak_bytes is that estimate)
  std::map<int, int> estimate_shared_reads;
  std::vector<ChunkRun> runs;
  std::vector<AttemptRecord> attempts;
  Phases phases;
  double audio_work_s = 0;  ///< the audio thread's own wall time
  double concat_wall_s = 0;
  int64_t orchestrator_peak_rss_bytes = 0;
  int64_t concurrent_peak_rss_bytes = 0;
  std::vector<MemorySample> memory_curve;
  int64_t memory_budget_bytes = 0;  ///< 0: none
  FarmFacts farm;  ///< a farm render's; left empty on a local one
  bool on_farm = false;
};

struct Warning {
  std::string code;
  std::string message;
};

std::vector<Warning> find_warnings(const RunFacts& facts);
nlohmann::json build_report(const RunFacts& facts);

/// The few lines printed at the end of a render.
std::vector<std::string> summary_lines(const nlohmann::json& report);

}  // namespace chunkreel
