// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Sizes, durations and times as people read and write them.

#include <cstdint>
#include <string>

#include "common/error.h"

namespace chunkreel {

/// "512 KiB", "230 MiB", "1.50 GiB" (powers of 1024).
std::string format_bytes(int64_t bytes);

/// "0:42", "1:02:03" (rounded to the second; negative counts as 0).
std::string format_duration(double seconds);

/// Now, as seconds since the epoch: a wall-clock time for records people read.
double seconds_since_epoch();

/// "512M", "2G", "1500000", "1.5G" (powers of 1024). Errors name the text.
Expected<int64_t> parse_size(const std::string& text);

}  // namespace chunkreel
