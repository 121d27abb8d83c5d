// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Everything one render needs, and nothing about how it was asked for: the
// command line builds one, and a batch builds one per project (ninja's
// BuildConfig). Planning, running and joining take this, never the parsed
// arguments.

#include <string>

#include "orchestrator/plan/render_plan.h"
#include "orchestrator/project/project_load.h"
#include "orchestrator/run/slurm_commands.h"

namespace chunkreel {

/// Where the chunk jobs run.
enum class Backend { k_local, k_slurm };

/// "local" or "slurm".
inline bool parse_backend(const std::string& text, Backend* out) {
  if (text != "local" && text != "slurm") return false;
  *out = text == "local" ? Backend::k_local : Backend::k_slurm;
  return true;
}

struct RenderConfig {
  ProjectSource project;
  std::string output;        ///< the MP4 to write
  std::string report;        ///< the JSON report (and its HTML beside it); empty: none
  std::string work_dir;      ///< --work-dir; empty: OUTPUT.parts beside the output
  std::string config_file;   ///< the --config file it was read with (an input), or empty
  PlanSettings plan;
  int retries = 2;            ///< extra attempts per failed chunk
  double stall_timeout_s = 120;  ///< stop and retry a worker silent this long
  bool keep_chunks = false;
  /// -y: outputs may replace files already at their paths (never an input).
  bool overwrite = false;
  bool resume = false;        ///< reuse finished chunks whose content key matches
  bool quiet = false;
  bool nice = false;          ///< workers at nice 10, idle I/O class
  Backend backend = Backend::k_local;
  SlurmSettings slurm;        ///< for Backend::k_slurm
};

}  // namespace chunkreel
