// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/option_limits.h"

#include <cmath>

#include <fmt/format.h>

#include "common/units.h"
#include "orchestrator/plan/memory_estimate.h"

namespace chunkreel {

std::string plain_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<int64_t>(value));
  return fmt::format("{}", value);
}

std::optional<std::string> outside(const NumberRange& range, double value) {
  if (std::isfinite(value) && value >= range.low && value <= range.high) return std::nullopt;
  return fmt::format("{} needs a number of {} from {} to {}", range.flag, range.unit, plain_number(range.low),
                     plain_number(range.high));
}

std::optional<std::string> worker_memory_problem(int64_t bytes) {
  const int64_t smallest = smallest_worker_peak();
  if (bytes >= smallest) return std::nullopt;
  return fmt::format("is below what any worker needs ({}); give at least {}M", format_bytes(smallest),
                     (smallest >> 20) + 1);
}

std::optional<std::string> task_memory_problem(int64_t bytes) {
  if (bytes >= int64_t{1} << 20) return std::nullopt;
  return std::string("is less than 1 MiB, the least Slurm can give a task");
}

}  // namespace chunkreel
