// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the machine offers a render: the CPUs and memory of the allocation
// chunkreel runs in, not of the host. A container's CPU quota or memory
// limit, a Slurm task's allocation and a narrowed affinity mask are all
// smaller than what /proc/meminfo and hardware_concurrency() say, and a
// plan made for the host would oversubscribe the CPUs and set its memory
// budget past the real limit.
//
// Cores: the smallest of the affinity mask (sched_getaffinity), the CPU
// quota of the process's cgroup and every cgroup above it (v2 cpu.max, v1
// cpu.cfs_quota_us / cpu.cfs_period_us, rounded down, at least 1) and,
// inside a Slurm job, SLURM_CPUS_PER_TASK (or SLURM_JOB_CPUS_PER_NODE).
// Memory: the smallest of MemAvailable, each cgroup's limit (v2 memory.max
// and memory.high, v1 memory.limit_in_bytes) less what the cgroup uses
// beyond reclaimable page cache, and a Slurm job's SLURM_MEM_PER_NODE or
// SLURM_MEM_PER_CPU times its CPUs. Each figure says where it came from.

#include <cstdint>
#include <functional>
#include <string>

namespace chunkreel {

struct Machine {
  int cores = 1;
  int64_t available_memory = 0;  ///< bytes; 0 when unknown
  std::string cores_from;        ///< "the affinity mask", "cgroup v2 cpu.max of /a/b"...
  std::string memory_from;       ///< "MemAvailable", "cgroup v1 memory.limit_in_bytes of /x"...
};

/// Where the figures are read; tests point these at a fake tree.
struct MachineSources {
  std::string proc = "/proc";  ///< holds self/cgroup, self/mountinfo, meminfo
  /// CPUs in the affinity mask; 0: ask sched_getaffinity.
  int affinity_cpus = 0;
  /// The environment (SLURM_*); null: getenv.
  std::function<const char*(const char*)> env;
};

/// The allocation described by `sources`.
Machine find_machine(const MachineSources& sources);

/// This process's allocation.
Machine this_machine();

}  // namespace chunkreel
