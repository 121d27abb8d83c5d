// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/session/render_record.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "orchestrator/plan/plan_json.h"
#include "orchestrator/project/project_json.h"

namespace chunkreel {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int k_record_version = 7;

json config_to_json(const RenderConfig& c) {
  const FolderOptions& f = c.project.folder;
  return {{"project",
           {{"path", c.project.path},
            {"max_pixels", c.project.max_pixels},
            {"folder_flags", c.project.folder_flags},
            {"folder",
             {{"music", f.music},
              {"seconds_per_slide", f.seconds_per_slide},
              {"transition", to_string(f.transition)},
              {"width", f.width},
              {"height", f.height},
              {"fps", f.fps.to_string()},
              {"captions", to_string(f.captions)},
              {"title", f.title},
              {"max_clip_seconds", f.max_clip_seconds},
              {"live_photos", to_string(f.live_photos)},
              {"find_subjects", f.find_subjects},
              {"loudness", f.loudness ? json(*f.loudness) : json(nullptr)},
              {"sync_beats", f.sync_beats}}}}},
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
          {"stall_timeout_s", c.stall_timeout_s},
          {"keep_chunks", c.keep_chunks},
          {"overwrite", c.overwrite},
          {"nice", c.nice},
          {"backend", c.backend == Backend::k_slurm ? "slurm" : "local"},
          {"slurm",
           {{"partition", c.slurm.partition},
            {"max_running", c.slurm.max_running},
            {"extra_args", c.slurm.extra_args},
            {"first_mem_bytes", c.slurm.first_mem_bytes},
            {"detach", c.slurm.detach}}}};
}

Expected<RenderConfig> config_from_json(const json& root) {
  RenderConfig c;
  const json& project = root.at("project");
  c.project.path = project.at("path").get<std::string>();
  c.project.max_pixels = project.at("max_pixels").get<int64_t>();
  c.project.folder_flags = project.at("folder_flags").get<std::vector<std::string>>();
  const json& folder = project.at("folder");
  FolderOptions& f = c.project.folder;
  f.music = folder.at("music").get<std::vector<std::string>>();
  f.seconds_per_slide = folder.at("seconds_per_slide").get<double>();
  if (!parse_transition_type(folder.at("transition").get<std::string>(), &f.transition))
    return Error{"config.project.folder.transition: unknown"};
  f.width = folder.at("width").get<int>();
  f.height = folder.at("height").get<int>();
  auto fps = parse_rational(folder.at("fps").get<std::string>());
  if (!fps) return Error{"config.project.folder.fps: " + fps.error().message};
  f.fps = fps.value();
  if (!parse_folder_captions(folder.at("captions").get<std::string>(), &f.captions))
    return Error{"config.project.folder.captions: unknown"};
  f.title = folder.at("title").get<std::string>();
  f.max_clip_seconds = folder.at("max_clip_seconds").get<double>();
  if (!parse_live_photos(folder.at("live_photos").get<std::string>(), &f.live_photos))
    return Error{"config.project.folder.live_photos: unknown"};
  f.find_subjects = folder.at("find_subjects").get<bool>();
  if (folder.at("loudness").is_null()) f.loudness.reset();
  else f.loudness = folder.at("loudness").get<double>();
  f.sync_beats = folder.at("sync_beats").get<bool>();
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
  c.stall_timeout_s = root.at("stall_timeout_s").get<double>();
  c.keep_chunks = root.at("keep_chunks").get<bool>();
  c.overwrite = root.at("overwrite").get<bool>();
  c.nice = root.at("nice").get<bool>();
  if (!parse_backend(root.at("backend").get<std::string>(), &c.backend)) return Error{"config.backend: unknown"};
  const json& slurm = root.at("slurm");
  c.slurm.partition = slurm.at("partition").get<std::string>();
  c.slurm.max_running = slurm.at("max_running").get<int>();
  c.slurm.extra_args = slurm.at("extra_args").get<std::vector<std::string>>();
  c.slurm.first_mem_bytes = slurm.at("first_mem_bytes").get<int64_t>();
  c.slurm.detach = slurm.at("detach").get<bool>();
  return c;
}

json farm_to_json(const FarmState& farm) {
  json task_mem = json::object();
  for (const auto& [chunk, mib] : farm.task_mem_mib) task_mem[std::to_string(chunk)] = mib;
  return {{"resubmissions", farm.resubmissions},
          {"arrays", farm.arrays},
          {"array_chunks", farm.array_chunks},
          {"task_mem_mib", task_mem},
          {"join_job", farm.join_job}};
}

FarmState farm_from_json(const json& value) {
  FarmState farm;
  farm.resubmissions = value.at("resubmissions").get<int>();
  farm.arrays = value.at("arrays").get<std::vector<std::string>>();
  farm.array_chunks = value.at("array_chunks").get<std::map<std::string, std::vector<int>>>();
  for (const auto& [chunk, mib] : value.at("task_mem_mib").items())
    farm.task_mem_mib[std::stoi(chunk)] = mib.get<int64_t>();
  farm.join_job = value.at("join_job").get<std::string>();
  return farm;
}

std::string absolute(const std::string& path) {
  return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

}  // namespace

RenderConfig with_absolute_paths(RenderConfig config) {
  config.project.path = absolute(config.project.path);
  for (std::string& music : config.project.folder.music) music = absolute(music);
  config.output = absolute(config.output);
  config.report = absolute(config.report);
  config.work_dir = absolute(config.work_dir);
  config.config_file = absolute(config.config_file);
  return config;
}

Expected<void> write_render_record(const RenderRecord& record, const std::string& path) {
  const json root = {{"record_version", k_record_version},
                     {"chunkreel", record.version},
                     {"config", config_to_json(record.config)},
                     {"show_key", record.show_key},
                     {"show", project_to_json(record.project)},
                     {"plan", render_plan_to_json(record.plan)},
                     {"farm", farm_to_json(record.farm)}};
  std::string text;
  try {
    text = root.dump(2) + "\n";
  } catch (const json::exception& e) {
    // A name that is not UTF-8 cannot be written as JSON text.
    return Error{path + ": cannot record the plan: " + e.what()};
  }
  return write_file_atomically(path, text, Replace::k_allowed, own_temporary_path(path));
}

Expected<RenderRecord> read_render_record(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read (is this the work folder of a render?)"};
  const json root = json::parse(in, nullptr, false);
  if (!root.is_object() || root.value("record_version", 0) != k_record_version)
    return Error{path + ": not a render record this chunkreel can read"};
  RenderRecord record;
  try {
    record.version = root.at("chunkreel").get<std::string>();
    auto config = config_from_json(root.at("config"));
    if (!config) return Error{path + ": " + config.error().message};
    record.config = std::move(config.value());
    record.show_key = root.at("show_key").get<std::string>();
    auto project = project_from_json(root.at("show"));
    if (!project) return Error{path + ": " + project.error().message};
    record.project = std::move(project.value());
    record.plan = render_plan_from_json(root.at("plan"));
    record.farm = farm_from_json(root.at("farm"));
  } catch (const std::exception& e) {
    return Error{path + ": " + e.what()};
  }
  return record;
}

}  // namespace chunkreel
