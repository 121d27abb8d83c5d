#pragma once
// What the machine offers a render: cores and memory available now.

#include <cstdint>

namespace chunkreel {

struct Machine {
  int cores = 1;
  int64_t available_memory = 0;  ///< bytes; 0 when unknown
};

/// MemAvailable from /proc/meminfo, or 0 if unknown.
int64_t available_memory_bytes();

/// This machine's cores (at least 1) and available memory.
Machine this_machine();

}  // namespace chunkreel
