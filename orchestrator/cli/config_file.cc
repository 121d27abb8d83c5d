// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/config_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/units.h"
#include "orchestrator/cli/option_limits.h"

namespace chunkreel {

Expected<void> apply_config_file(const std::string& path, RenderConfig* config) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the config file"};
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json root = nlohmann::json::parse(text.str(), nullptr, false);
  if (root.is_discarded()) return Error{path + ": invalid JSON"};
  PlanSettings& plan = config->plan;
  try {
    FieldReader r(root, "");
    r.string("description");
    if (auto v = r.integer("workers")) {
      if (*v < 1 || *v > 256) r.fail("workers", "must be from 1 to 256");
      if (plan.workers == 0) plan.workers = static_cast<int>(*v);
    }
    if (auto v = r.integer("threads_per_worker")) {
      if (*v < 1 || *v > 64) r.fail("threads_per_worker", "must be from 1 to 64");
      if (plan.threads_per_worker == 0) plan.threads_per_worker = static_cast<int>(*v);
    }
    if (auto v = r.number("chunk_seconds")) {
      if (outside(k_chunk_seconds_range, *v))
        r.fail("chunk_seconds", fmt::format("must be from {} to {}", plain_number(k_chunk_seconds_range.low),
                                            plain_number(k_chunk_seconds_range.high)));
      if (plan.chunk_seconds == 0) plan.chunk_seconds = *v;
    }
    if (auto v = r.string("memory_budget")) {
      auto size = parse_size(*v);
      if (!size) r.fail("memory_budget", size.error().message);
      if (auto problem = worker_memory_problem(size.value())) r.fail("memory_budget", *problem);
      if (plan.memory_budget == 0) plan.memory_budget = size.value();
    }
    if (auto v = r.string("backend"))
      if (!parse_backend(*v, &config->backend)) r.fail("backend", "must be local or slurm");
    SlurmSettings& slurm = config->slurm;
    if (auto v = r.string("slurm_partition"))
      if (slurm.partition.empty()) slurm.partition = *v;
    if (auto v = r.integer("slurm_max_running")) {
      if (*v < 1 || *v > 100000) r.fail("slurm_max_running", "must be from 1 to 100000");
      if (slurm.max_running == 0) slurm.max_running = static_cast<int>(*v);
    }
    if (const nlohmann::json* args = r.raw("slurm_args")) {
      if (!args->is_array()) r.fail("slurm_args", "must be an array of sbatch arguments");
      std::vector<std::string> from_file;
      for (const nlohmann::json& arg : *args) {
        if (!arg.is_string()) r.fail("slurm_args", "must be an array of strings");
        from_file.push_back(arg.get<std::string>());
      }
      if (slurm.extra_args.empty()) slurm.extra_args = from_file;
    }
    if (auto v = r.string("slurm_mem")) {
      auto size = parse_size(*v);
      if (!size) r.fail("slurm_mem", size.error().message);
      if (auto problem = task_memory_problem(size.value())) r.fail("slurm_mem", *problem);
      if (slurm.first_mem_bytes == 0) slurm.first_mem_bytes = size.value();
    }
    if (auto v = r.boolean("detach")) slurm.detach = slurm.detach || *v;
    if (auto v = r.boolean("overwrite")) config->overwrite = config->overwrite || *v;
    r.finish();
  } catch (const FieldError& e) {
    return Error{path + ": " + e.path() + ": " + e.what()};
  }
  config->config_file = path;
  return {};
}

}  // namespace chunkreel
