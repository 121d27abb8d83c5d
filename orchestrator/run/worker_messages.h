// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a worker says on stdout, one JSON object a line: progress, the node
// it runs on (a farm task's first line) and its stats when done. Read the
// same way from a local worker's pipe and from a farm task's output file.

#include <string>

#include "orchestrator/run/command_runner.h"

namespace chunkreel {

struct WorkerMessage {
  enum class Kind { k_other, k_progress, k_node, k_done };
  Kind kind = Kind::k_other;
  int64_t frames_done = 0;  ///< progress
  std::string node;         ///< node
  double started_at = 0;    ///< node: seconds since the epoch
  WorkerStats stats;        ///< done
};

WorkerMessage parse_worker_line(const std::string& line);

/// The last `count` lines of `text` (for error messages).
std::string last_lines(const std::string& text, int count);

}  // namespace chunkreel
