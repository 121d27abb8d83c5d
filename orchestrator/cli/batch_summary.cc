// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/batch_summary.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/units.h"

namespace chunkreel {

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

const char* status_name(ProjectStatus status) {
  switch (status) {
    case ProjectStatus::k_ok: return "ok";
    case ProjectStatus::k_skipped: return "skipped";
    case ProjectStatus::k_failed: return "failed";
  }
  return "?";
}

Expected<void> write_batch_summary(const std::string& path, const std::string& out_dir,
                                   const std::vector<ProjectResult>& results) {
  nlohmann::json jobs = nlohmann::json::array();
  for (const ProjectResult& r : results) {
    nlohmann::json job = {{"project", r.project}, {"output", r.output}, {"status", status_name(r.status)},
                          {"error", nullptr},     {"wall_s", r.wall_s}, {"frames", r.frames},
                          {"started_at", r.started_at}, {"finished_at", r.finished_at},
                          {"content_key", nullptr}};
    if (!r.error.empty()) job["error"] = r.error;
    if (!r.content_key.empty()) job["content_key"] = r.content_key;
    jobs.push_back(job);
  }
  const nlohmann::json summary = {{"out_dir", out_dir}, {"jobs", jobs}};
  return write_file_atomically(path, summary.dump(2) + "\n", Replace::k_allowed);
}

bool is_batch_summary(const std::string& path) {
  std::ifstream in(path);
  const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
  return summary.is_object() && summary.contains("out_dir") && summary.contains("jobs") &&
         summary["jobs"].is_array();
}

std::map<std::string, ProjectResult> read_finished_projects(const std::string& path) {
  std::map<std::string, ProjectResult> done;
  std::ifstream in(path);
  if (!in) return done;
  const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
  if (!summary.is_object() || !summary.contains("jobs") || !summary["jobs"].is_array()) return done;
  for (const nlohmann::json& job : summary["jobs"]) {
    if (!job.is_object() || !job.value("content_key", nlohmann::json()).is_string()) continue;
    if (job.value("status", "") == "failed") continue;
    ProjectResult r;
    r.output = job.value("output", "");
    r.frames = job.value("frames", int64_t{0});
    r.content_key = job["content_key"].get<std::string>();
    done[r.output] = r;
  }
  return done;
}

std::string batch_table(const std::vector<ProjectResult>& results) {
  std::string text = fmt::format("\n{:<8} {:<30} {:>10} {:>9}  {}\n", "status", "project", "frames", "wall", "error");
  for (const ProjectResult& r : results)
    text += fmt::format("{:<8} {:<30} {:>10} {:>9}  {}\n", status_name(r.status),
                        std::filesystem::path(r.project).filename().string(), r.frames,
                        format_duration(r.wall_s), first_line(r.error));
  return text;
}

}  // namespace chunkreel
