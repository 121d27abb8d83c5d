#include "orchestrator/session/render_record.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"

namespace chunkreel {

namespace {

using nlohmann::json;

constexpr int k_record_version = 1;

}  // namespace

Expected<void> write_render_record(const RenderRecord& record, const std::string& path) {
  const RenderConfig& c = record.config;
  const FolderOptions& f = c.project.folder;
  json task_mem = json::object();
  for (const auto& [chunk, mib] : record.task_mem_mib) task_mem[std::to_string(chunk)] = mib;
  const json root = {
      {"version", k_record_version},
      {"project",
       {{"path", c.project.path},
        {"max_pixels", c.project.max_pixels},
        {"folder",
         {{"music", f.music},
          {"seconds_per_slide", f.seconds_per_slide},
          {"transition", to_string(f.transition)},
          {"width", f.width},
          {"height", f.height},
          {"fps", f.fps.to_string()}}}}},
      {"output", c.output},
      {"report", c.report},
      {"work_dir", c.work_dir},
      {"config_file", c.config_file},
      {"plan",
       {{"workers", c.plan.workers},
        {"threads_per_worker", c.plan.threads_per_worker},
        {"chunk_seconds", c.plan.chunk_seconds},
        {"memory_budget", c.plan.memory_budget}}},
      {"retries", c.retries},
      {"keep_chunks", c.keep_chunks},
      {"slurm",
       {{"partition", c.slurm.partition},
        {"max_running", c.slurm.max_running},
        {"extra_args", c.slurm.extra_args},
        {"first_mem_bytes", c.slurm.first_mem_bytes}}},
      {"resubmissions", record.resubmissions},
      {"arrays", record.arrays},
      {"array_submitted_at", record.array_submitted_at},
      {"task_mem_mib", task_mem}};
  return write_file_atomically(path, root.dump(2) + "\n", Replace::k_allowed, own_temporary_path(path));
}

Expected<RenderRecord> read_render_record(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read (is this a work folder of a detached farm render?)"};
  const json root = json::parse(in, nullptr, false);
  if (!root.is_object() || root.value("version", 0) != k_record_version)
    return Error{path + ": not a render record chunkreel can read"};
  RenderRecord record;
  RenderConfig& c = record.config;
  try {
    const json& project = root.at("project");
    c.project.path = project.at("path").get<std::string>();
    c.project.max_pixels = project.at("max_pixels").get<int64_t>();
    const json& folder = project.at("folder");
    FolderOptions& f = c.project.folder;
    f.music = folder.at("music").get<std::string>();
    f.seconds_per_slide = folder.at("seconds_per_slide").get<double>();
    if (!parse_transition_type(folder.at("transition").get<std::string>(), &f.transition))
      return Error{path + ": project.folder.transition: unknown"};
    f.width = folder.at("width").get<int>();
    f.height = folder.at("height").get<int>();
    auto fps = parse_rational(folder.at("fps").get<std::string>());
    if (!fps) return Error{path + ": project.folder.fps: " + fps.error().message};
    f.fps = fps.value();
    c.output = root.at("output").get<std::string>();
    c.report = root.at("report").get<std::string>();
    c.work_dir = root.at("work_dir").get<std::string>();
    c.config_file = root.at("config_file").get<std::string>();
    const json& plan = root.at("plan");
    c.plan.workers = plan.at("workers").get<int>();
    c.plan.threads_per_worker = plan.at("threads_per_worker").get<int>();
    c.plan.chunk_seconds = plan.at("chunk_seconds").get<double>();
    c.plan.memory_budget = plan.at("memory_budget").get<int64_t>();
    c.retries = root.at("retries").get<int>();
    c.keep_chunks = root.at("keep_chunks").get<bool>();
    const json& slurm = root.at("slurm");
    c.slurm.partition = slurm.at("partition").get<std::string>();
    c.slurm.max_running = slurm.at("max_running").get<int>();
    c.slurm.extra_args = slurm.at("extra_args").get<std::vector<std::string>>();
    c.slurm.first_mem_bytes = slurm.at("first_mem_bytes").get<int64_t>();
    record.resubmissions = root.at("resubmissions").get<int>();
    record.arrays = root.at("arrays").get<std::vector<std::string>>();
    record.array_submitted_at = root.at("array_submitted_at").get<std::map<std::string, double>>();
    for (const auto& [chunk, mib] : root.at("task_mem_mib").items())
      record.task_mem_mib[std::stoi(chunk)] = mib.get<int64_t>();
  } catch (const json::exception& e) {
    return Error{path + ": " + e.what()};
  }
  c.backend = Backend::k_slurm;
  return record;
}

}  // namespace chunkreel
