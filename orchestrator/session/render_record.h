#pragma once
// A detached farm render, written into its work folder as render.json, so
// that `chunkreel join WORKDIR` (the dependent join job, or a person) can
// finish it later on any host: the RenderConfig with the plan's decisions
// fixed (so the same chunks come out), and how many times the missing
// chunks have been resubmitted.

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "orchestrator/session/render_config.h"

namespace chunkreel {

struct RenderRecord {
  RenderConfig config;
  int resubmissions = 0;  ///< how often a join found chunks missing and submitted them again
  std::vector<std::string> arrays;        ///< every job array submitted so far, oldest first
  std::map<std::string, double> array_submitted_at;  ///< by array: seconds since the epoch
  std::map<int, int64_t> task_mem_mib;    ///< by chunk: the memory its last task asked for
};

/// The record's file name in the work folder.
constexpr const char* k_render_record_name = "render.json";

Expected<void> write_render_record(const RenderRecord& record, const std::string& path);
Expected<RenderRecord> read_render_record(const std::string& path);

}  // namespace chunkreel
