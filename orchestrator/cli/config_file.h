// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Settings from a --config file (configs/*.json): workers, threads per
// worker, chunk length and memory budget, and for farms backend,
// slurm_partition, slurm_max_running, slurm_args, slurm_mem and detach. A setting the flags already chose
// is kept; the file fills in only what is still automatic.

#include <string>

#include "common/error.h"
#include "orchestrator/session/render_config.h"

namespace chunkreel {

/// Reads `path` into `config` (and records it as config->config_file).
/// Errors name the file and the field.
Expected<void> apply_config_file(const std::string& path, RenderConfig* config);

}  // namespace chunkreel
