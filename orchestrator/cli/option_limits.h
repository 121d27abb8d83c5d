// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The range of every number the command line and a --config file take, in
// one place, so both refuse the same values with the same words. Each range
// is wide enough for any real show and narrow enough that nothing computed
// from it (frames, milliseconds, bytes) can overflow.

#include <cstdint>
#include <optional>
#include <string>

namespace chunkreel {

struct NumberRange {
  const char* flag;   ///< "--chunk-seconds"
  double low, high;   ///< inclusive
  const char* unit;   ///< "seconds", "megapixels"
};

constexpr NumberRange k_chunk_seconds_range{"--chunk-seconds", 0.01, 1e6, "seconds"};
constexpr NumberRange k_stall_timeout_range{"--stall-timeout", 1, 7 * 24 * 3600, "seconds"};
constexpr NumberRange k_max_megapixels_range{"--max-megapixels", 0.01, 1e5, "megapixels"};
constexpr NumberRange k_seconds_per_slide_range{"--seconds-per-slide", 0.05, 24 * 3600,
                                                "seconds"};
constexpr NumberRange k_max_clip_seconds_range{"--max-clip-seconds", 0.1, 24 * 3600, "seconds"};

/// 1000000 as "1000000" and 0.05 as "0.05", never "1e+06".
std::string plain_number(double value);

/// Why `value` is outside `range` ("--chunk-seconds needs a number of
/// seconds from 0.01 to 1000000"), or nothing when it is inside.
std::optional<std::string> outside(const NumberRange& range, double value);

/// Why `bytes` cannot be a memory budget or a farm task's memory: below
/// the smallest peak any worker has, it could never hold one.
std::optional<std::string> worker_memory_problem(int64_t bytes);

/// Why `bytes` cannot be a farm task's first --mem: Slurm counts whole
/// MiB. (Less than a worker needs is allowed: the task is killed for
/// memory and its next attempt asks for twice as much.)
std::optional<std::string> task_memory_problem(int64_t bytes);

}  // namespace chunkreel
