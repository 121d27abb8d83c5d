// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The plan, written once: render.json in the work folder holds the resolved
// show (session/../project/project_json.h), the RenderConfig it was asked
// with and the plan made for it (chunks, frames, slides, estimates, the
// machine), plus, for a detached farm render, what has been submitted.
//
// Planning writes it before any job exists. Everything after reads it and
// never plans again: the join of a detached render (on any host), --resume
// of the same show, resubmissions of missing chunks. A record written by
// another chunkreel version, or for another show, is not used: the render
// plans afresh and reuses only the chunks whose content keys still match.

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "orchestrator/plan/render_plan.h"
#include "orchestrator/project/project_check.h"
#include "orchestrator/session/render_config.h"

namespace chunkreel {

/// What a detached farm render has submitted so far.
struct FarmState {
  int resubmissions = 0;  ///< how often a join found chunks missing and submitted them again
  std::vector<std::string> arrays;                    ///< every job array submitted, oldest first
  /// by array: the chunk each of its tasks rendered (task i: chunks[i]), as
  /// its manifest says
  std::map<std::string, std::vector<int>> array_chunks;
  std::map<int, int64_t> task_mem_mib;               ///< by chunk: the memory its last task asked for
  std::string join_job;                               ///< the dependent join job's id; empty: none
};

struct RenderRecord {
  std::string version;    ///< the chunkreel that planned (content_version())
  RenderConfig config;    ///< as asked, every path absolute
  std::string show_key;   ///< the show's content key when it was planned (project_key)
  Project project;        ///< the show as validated
  RenderPlan plan;
  FarmState farm;
};

/// The record's file name in the work folder.
constexpr const char* k_render_record_name = "render.json";

/// Writes atomically, through own_temporary_path(path) (a work folder's file).
Expected<void> write_render_record(const RenderRecord& record, const std::string& path);
Expected<RenderRecord> read_render_record(const std::string& path);

/// `config` with every path made absolute (so a record read on another
/// host, or from another folder, names the same files).
RenderConfig with_absolute_paths(RenderConfig config);

}  // namespace chunkreel
