#include "orchestrator/cli/config_file.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/units.h"

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
      if (*v <= 0) r.fail("chunk_seconds", "must be above 0");
      if (plan.chunk_seconds == 0) plan.chunk_seconds = *v;
    }
    if (auto v = r.string("memory_budget")) {
      auto size = parse_size(*v);
      if (!size) r.fail("memory_budget", size.error().message);
      if (plan.memory_budget == 0) plan.memory_budget = size.value();
    }
    r.finish();
  } catch (const FieldError& e) {
    return Error{path + ": " + e.path() + ": " + e.what()};
  }
  config->config_file = path;
  return {};
}

}  // namespace chunkreel
