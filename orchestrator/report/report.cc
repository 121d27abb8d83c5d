// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/report/report.h"

#include "common/units.h"
#include "orchestrator/plan/plan_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace chunkreel {
namespace {

struct ParallelFigures {
  double work_s = 0;        ///< sum of chunk wall times
  double serial_s = 0;      ///< phases outside the parallel render
  double longest_s = 0;
  double mean_s = 0;
  double speedup = 0;
  double efficiency = 0;
  double serial_fraction = 0;
  double max_speedup = 0;
  double load_imbalance = 0;
  /// Worker-seconds left idle at the end (the tail): from the last moment
  /// all workers were busy to the last chunk's end.
  double tail_idle_s = 0;
};

struct CpuFigures {
  double workers_s = 0, decode_s = 0, clip_s = 0, render_s = 0, encode_s = 0, other_s = 0, kernel_s = 0;
  int photos_loaded = 0, pictures_shared = 0;
  int64_t clip_frames = 0;
};

CpuFigures cpu_figures(const RunFacts& f) {
  CpuFigures c;
  for (const ChunkRun& run : f.runs) {
    if (run.reused) continue;
    c.workers_s += run.stats.cpu_s;
    c.kernel_s += run.stats.kernel_s;
    c.decode_s += run.stats.decode_cpu_s;
    c.clip_s += run.stats.clip_cpu_s;
    c.clip_frames += run.stats.clip_frames_decoded;
    c.render_s += run.stats.render_cpu_s;
    c.encode_s += run.stats.encode_cpu_s;
    c.other_s += run.stats.other_cpu_s;
    c.photos_loaded += run.stats.photos_loaded;
    c.pictures_shared += run.stats.pictures_shared;
  }
  return c;
}

ParallelFigures parallel_figures(const RunFacts& f) {
  ParallelFigures p;
  int rendered = 0;
  for (const ChunkRun& run : f.runs) {
    if (run.reused) continue;
    ++rendered;
    p.work_s += run.stats.wall_s;
    p.longest_s = std::max(p.longest_s, run.stats.wall_s);
  }
  p.mean_s = rendered == 0 ? 0 : p.work_s / rendered;
  p.serial_s = f.phases.validate_s + f.phases.plan_s + f.phases.audio_s + f.phases.concat_s;
  const double serial_equivalent = p.serial_s + p.work_s;
  p.speedup = f.phases.total_s > 0 ? serial_equivalent / f.phases.total_s : 0;
  p.efficiency = f.workers > 0 ? p.speedup / f.workers : 0;
  p.serial_fraction = serial_equivalent > 0 ? p.serial_s / serial_equivalent : 0;
  const double best_wall =
      p.serial_s + std::max(p.longest_s, f.workers > 0 ? p.work_s / f.workers : p.work_s);
  p.max_speedup = best_wall > 0 ? serial_equivalent / best_wall : 0;
  // Imbalance is judged per frame: the plan makes the tail's chunks short on
  // purpose, and what is left to see is how much more a frame of one chunk
  // cost than the average frame.
  double slowest = 0, per_frame_sum = 0;
  int timed = 0;
  for (const ChunkRun& run : f.runs) {
    if (run.reused || run.stats.frames <= 0) continue;
    const double per_frame = run.stats.wall_s / run.stats.frames;
    slowest = std::max(slowest, per_frame);
    per_frame_sum += per_frame;
    ++timed;
  }
  p.load_imbalance = per_frame_sum > 0 ? slowest / (per_frame_sum / timed) : 0;
  // The tail: from the last moment every worker was busy to the end of the
  // last chunk, the worker-seconds nobody used.
  std::vector<std::pair<double, int>> edges;  // (time, +1 start / -1 end)
  for (const ChunkRun& run : f.runs) {
    if (run.reused) continue;
    edges.push_back({run.start_s, +1});
    edges.push_back({run.end_s, -1});
  }
  std::sort(edges.begin(), edges.end());
  const int lanes = std::max(1, std::min(f.workers, rendered));
  int running = 0;
  double full_until = edges.empty() ? 0 : edges.front().first;
  for (const auto& [t, step] : edges) {
    if (running >= lanes && step < 0) full_until = t;
    running += step;
  }
  running = 0;
  double last_t = full_until;
  for (const auto& [t, step] : edges) {
    if (t > full_until) p.tail_idle_s += (t - std::max(last_t, full_until)) * std::max(0, lanes - running);
    last_t = std::max(last_t, t);
    running += step;
  }
  return p;
}

// A farm's part of the report: the calls it made of Slurm, the nodes its
// chunks ran on, and Slurm's queue waits and run times.
nlohmann::json farm_to_json(const FarmFacts& farm, const std::vector<ChunkRun>& runs,
                            const std::vector<AttemptRecord>& attempts) {
  using nlohmann::json;
  std::map<std::string, int> chunks_by_node;
  std::vector<double> waits, run_times;
  for (const ChunkRun& r : runs) {
    if (r.stats.slurm_job.empty()) continue;
    ++chunks_by_node[r.stats.node.empty() ? "unknown" : r.stats.node];
    if (r.stats.queue_wait_s >= 0) waits.push_back(r.stats.queue_wait_s);
    if (r.stats.slurm_run_s >= 0) run_times.push_back(r.stats.slurm_run_s);
  }
  auto summary = [](std::vector<double> values) {
    if (values.empty()) return json(nullptr);
    std::sort(values.begin(), values.end());
    return json{{"median", values[values.size() / 2]}, {"max", values.back()}, {"count", values.size()}};
  };
  int failed_attempts = 0;
  for (const AttemptRecord& a : attempts) failed_attempts += a.ok ? 0 : 1;
  return {{"arrays", farm.arrays},
          {"nodes", chunks_by_node},
          {"failed_attempts", failed_attempts},
          {"lost_tasks", farm.lost_tasks},
          {"queue_wait_s", summary(waits)},
          {"run_s", summary(run_times)},
          {"calls",
           {{"sbatch", farm.sbatch_calls},
            {"squeue", farm.squeue_calls},
            {"scancel", farm.scancel_calls},
            {"scontrol", farm.scontrol_calls},
            {"retried_after_transient_errors", farm.retried_calls}}}};
}

}  // namespace

std::vector<Warning> find_warnings(const RunFacts& f) {
  std::vector<Warning> warnings;
  const ParallelFigures p = parallel_figures(f);
  if (f.concat_wall_s > 5 || (f.phases.total_s > 0 && f.concat_wall_s > 0.1 * f.phases.total_s))
    warnings.push_back({"concat_slow",
                        fmt::format("the join took {:.1f} s ({:.0f}% of the run); a stream-copy "
                                    "join should take a small fraction",
                                    f.concat_wall_s, 100 * f.concat_wall_s / f.phases.total_s)});
  for (const ChunkRun& run : f.runs) {
    if (run.stats.wall_s > 0 && run.stats.startup_s > 0.2 * run.stats.wall_s) {
      warnings.push_back({"overhead_dominated",
                          fmt::format("chunk {} spent {:.2f} s of {:.2f} s starting up; use longer "
                                      "chunks or fewer workers",
                                      run.chunk, run.stats.startup_s, run.stats.wall_s)});
      break;
    }
  }
  if (f.runs.size() > 1 && p.load_imbalance > 2)
    warnings.push_back({"load_imbalance",
                        fmt::format("a frame of the slowest chunk took {:.1f}x the mean", p.load_imbalance)});
  if (f.memory_budget_bytes > 0 && f.concurrent_peak_rss_bytes > 0.9 * f.memory_budget_bytes)
    warnings.push_back({"memory_near_budget",
                        fmt::format("workers peaked at {:.0f}% of the memory budget",
                                    100.0 * f.concurrent_peak_rss_bytes / f.memory_budget_bytes)});
  if (f.workers > 1 && p.efficiency < 0.6)
    warnings.push_back({"low_efficiency", fmt::format("parallel efficiency was {:.0f}%",
                                                      100 * p.efficiency)});
  return warnings;
}

nlohmann::json build_report(const RunFacts& f) {
  using nlohmann::json;
  const ParallelFigures p = parallel_figures(f);
  const CpuFigures cpu = cpu_figures(f);
  std::map<int, const ChunkRun*> runs;
  int64_t workers_peak = 0;
  for (const ChunkRun& run : f.runs) {
    runs[run.chunk] = &run;
    workers_peak = std::max(workers_peak, run.stats.peak_rss_bytes);
  }
  json chunks = json::array();
  for (const ChunkPlan& c : f.chunks) {
    json slides = json::array();
    for (int s = c.first_slide; s <= c.last_slide; ++s) slides.push_back(s);
    json entry = {{"index", c.index},
                  {"first_frame", c.first_frame},
                  {"frame_count", c.frame_count},
                  {"slides", slides},
                  {"attempts", 0},
                  {"reused", false}};
    if (static_cast<size_t>(c.index) < f.estimated_peak_bytes.size())
      entry["estimated_peak_bytes"] = f.estimated_peak_bytes[c.index];
    json attempt_log = json::array();
    for (const AttemptRecord& a : f.attempts)
      if (a.chunk == c.index)
      {
        json attempt = {{"attempt", a.attempt}, {"slot", a.slot}, {"start_s", a.start_s},
                        {"end_s", a.end_s},     {"ok", a.ok}};
        if (!a.node.empty()) attempt["node"] = a.node;
        attempt_log.push_back(attempt);
      }
    entry["attempt_log"] = attempt_log;
    if (auto it = runs.find(c.index); it != runs.end()) {
      const ChunkRun& r = *it->second;
      entry["attempts"] = r.attempts;
      entry["reused"] = r.reused;
      entry["slot"] = r.slot;
      entry["start_s"] = r.start_s;
      entry["end_s"] = r.end_s;
      entry["wall_s"] = r.stats.wall_s;
      entry["cpu_s"] = r.stats.cpu_s;
      entry["kernel_s"] = r.stats.kernel_s;
      entry["startup_s"] = r.stats.startup_s;
      entry["cpu_split"] = {{"decode_s", r.stats.decode_cpu_s},
                            {"clip_s", r.stats.clip_cpu_s},
                            {"render_s", r.stats.render_cpu_s},
                            {"encode_s", r.stats.encode_cpu_s},
                            {"other_s", r.stats.other_cpu_s}};
      entry["peak_rss_bytes"] = r.stats.peak_rss_bytes;
      entry["bytes"] = r.stats.bytes;
      entry["photos_loaded"] = r.stats.photos_loaded;
      entry["pictures_shared"] = r.stats.pictures_shared;
      // The estimate the chunk was admitted with, which counts the shared
      // pictures that existed then as read.
      if (r.estimated_peak_bytes > 0) entry["estimated_peak_bytes"] = r.estimated_peak_bytes;
      if (auto reads = f.estimate_shared_reads.find(c.index); reads != f.estimate_shared_reads.end())
        entry["estimate_pictures_shared"] = reads->second;
      if (!r.stats.slurm_job.empty()) {  // a farm task
        entry["slurm_job"] = r.stats.slurm_job;
        entry["node"] = r.stats.node;
        // Slurm's own times; null where Slurm no longer knew the task.
        entry["queue_wait_s"] = r.stats.queue_wait_s >= 0 ? json(r.stats.queue_wait_s) : json(nullptr);
        entry["run_s"] = r.stats.slurm_run_s >= 0 ? json(r.stats.slurm_run_s) : json(nullptr);
      }
    }
    chunks.push_back(entry);
  }
  json warnings = json::array();
  for (const Warning& w : find_warnings(f))
    warnings.push_back({{"code", w.code}, {"message", w.message}});
  json curve = json::array();
  for (const MemorySample& m : f.memory_curve) curve.push_back({m.t_s, m.bytes});

  json report = {
      {"output",
       {{"path", f.output_path}, {"frames", f.frames}, {"duration_s", f.duration_s},
        {"bytes", f.bytes}}},
      {"plan",
       {{"workers", f.workers},
        {"threads_per_worker", f.threads_per_worker},
        {"chunk_count", f.chunks.size()},
        {"memory_budget_bytes",
         f.memory_budget_bytes > 0 ? json(f.memory_budget_bytes) : json(nullptr)},
        {"machine", machine_to_json(f.machine)}}},
      {"phases",
       {{"validate_s", f.phases.validate_s},
        {"plan_s", f.phases.plan_s},
        {"render_s", f.phases.render_s},
        {"audio_s", f.phases.audio_s},
        {"concat_s", f.phases.concat_s},
        {"total_s", f.phases.total_s}}},
      {"chunks", chunks},
      {"concat", {{"mode", "stream_copy"}, {"wall_s", f.concat_wall_s}, {"bytes", f.bytes}}},
      {"audio", {{"encode_wall_s", f.audio_work_s}}},
      {"memory",
       {{"orchestrator_peak_rss_bytes", f.orchestrator_peak_rss_bytes},
        {"workers_peak_rss_bytes", workers_peak},
        {"concurrent_peak_rss_bytes", f.concurrent_peak_rss_bytes},
        {"curve", curve}}},
      {"parallel",
       {{"speedup", p.speedup},
        {"efficiency", p.efficiency},
        {"serial_fraction", p.serial_fraction},
        {"max_speedup", p.max_speedup},
        {"load_imbalance", p.load_imbalance},
        {"tail_idle_s", p.tail_idle_s}}},
      {"cpu",
       {{"workers_s", cpu.workers_s},
        {"decode_s", cpu.decode_s},
        {"clip_s", cpu.clip_s},
        {"clip_frames_decoded", cpu.clip_frames},
        {"render_s", cpu.render_s},
        {"encode_s", cpu.encode_s},
        {"other_s", cpu.other_s},
        {"kernel_s", cpu.kernel_s},
        {"photos_loaded", cpu.photos_loaded},
        {"pictures_shared", cpu.pictures_shared}}},
      {"warnings", warnings},
  };
  if (f.on_farm) report["farm"] = farm_to_json(f.farm, f.runs, f.attempts);
  return report;
}

std::vector<std::string> summary_lines(const nlohmann::json& r) {
  const auto& out = r["output"];
  const auto& par = r["parallel"];
  const auto& memory = r["memory"];
  std::vector<std::string> lines;
  lines.push_back(fmt::format("wrote {} ({}, {} frames, {})", out["path"].get<std::string>(),
                              format_duration(out["duration_s"].get<double>()),
                              out["frames"].get<int64_t>(), format_bytes(out["bytes"].get<int64_t>())));
  lines.push_back(fmt::format(
      "  wall {:.1f} s, speedup {:.2f}x on {} worker{} (efficiency {:.0f}%, at most {:.2f}x for this plan)",
      r["phases"]["total_s"].get<double>(), par["speedup"].get<double>(),
      r["plan"]["workers"].get<int>(), r["plan"]["workers"].get<int>() == 1 ? "" : "s",
      100 * par["efficiency"].get<double>(), par["max_speedup"].get<double>()));
  lines.push_back(fmt::format("  peak memory {} (workers together), {} (largest worker), {} (orchestrator)",
                              format_bytes(memory["concurrent_peak_rss_bytes"].get<int64_t>()),
                              format_bytes(memory["workers_peak_rss_bytes"].get<int64_t>()),
                              format_bytes(memory["orchestrator_peak_rss_bytes"].get<int64_t>())));
  for (const auto& w : r["warnings"])
    lines.push_back(fmt::format("chunkreel: warning: {}: {}", w["code"].get<std::string>(),
                                w["message"].get<std::string>()));
  return lines;
}

}  // namespace chunkreel
