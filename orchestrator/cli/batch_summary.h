// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a batch did with each project, kept as typed data while it runs and
// written to DIR/summary.json (and a printed table) at the end. The summary
// is also the batch's own memory: --resume reads the content keys it holds.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

enum class ProjectStatus { k_ok, k_skipped, k_failed };

struct ProjectResult {
  std::string project;      ///< absolute path of the project file
  std::string output;       ///< absolute path of its MP4
  ProjectStatus status = ProjectStatus::k_ok;
  std::string error;        ///< why it failed; empty otherwise
  double wall_s = 0;
  double started_at = 0;    ///< when its render began (validation), seconds since the epoch; 0: never
  double finished_at = 0;   ///< when its output was complete (or it failed), seconds since the epoch
  int64_t frames = 0;
  std::string content_key;  ///< the show's identity when it was rendered (or skipped)
};

/// Writes `results` to `path` (atomically).
Expected<void> write_batch_summary(const std::string& path, const std::string& out_dir,
                                   const std::vector<ProjectResult>& results);

/// The projects an earlier summary at `path` records as done, by output:
/// each with its frames and content key. Empty when there is none.
std::map<std::string, ProjectResult> read_finished_projects(const std::string& path);

/// True when `path` holds a summary a batch wrote (its "out_dir" and "jobs").
bool is_batch_summary(const std::string& path);

/// The table printed at the end of a batch.
std::string batch_table(const std::vector<ProjectResult>& results);

const char* status_name(ProjectStatus status);

}  // namespace chunkreel
