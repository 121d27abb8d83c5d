// SPDX-License-Identifier: GPL-2.0-or-later
// The machine a plan counts on is the allocation: fake /proc and cgroup
// trees, laid out as the kernel lays them out, for cgroup v1 and v2.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "orchestrator/plan/machine.h"
#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

namespace {

constexpr int64_t k_gib = int64_t{1} << 30;
constexpr int64_t k_mib = int64_t{1} << 20;

// A fake root: DIR/proc (self/cgroup, self/mountinfo, meminfo) and cgroup
// folders under DIR/cg.
struct FakeMachine {
  test::TempDir dir;
  std::map<std::string, std::string> env;

  FakeMachine(int64_t mem_available_kib, const std::string& cgroup, const std::string& mountinfo) {
    fs::create_directories(dir / "proc/self");
    test::write_text(dir / "proc/meminfo", "MemTotal: 99999999 kB\nMemAvailable: " +
                                               std::to_string(mem_available_kib) + " kB\nCached: 5 kB\n");
    test::write_text(dir / "proc/self/cgroup", cgroup);
    std::string text = mountinfo;
    for (size_t at; (at = text.find("ROOT")) != std::string::npos;) text.replace(at, 4, dir.path());
    test::write_text(dir / "proc/self/mountinfo", text);
  }
  void file(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(dir / path).parent_path());
    test::write_text(dir / path, text + "\n");
  }
  Machine find(int affinity) const {
    MachineSources sources;
    sources.proc = dir / "proc";
    sources.affinity_cpus = affinity;
    sources.env = [this](const char* name) -> const char* {
      auto found = env.find(name);
      return found == env.end() ? nullptr : found->second.c_str();
    };
    return find_machine(sources);
  }
};

const char* k_v2_mounts =
    "25 1 0:22 / / rw - ext4 /dev/root rw\n"
    "30 25 0:26 / ROOT/cg rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

const char* k_v1_mounts =
    "25 1 0:22 / / rw - ext4 /dev/root rw\n"
    "31 25 0:28 / ROOT/cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "34 25 0:31 / ROOT/cg/memory rw - cgroup cgroup rw,memory\n"
    "40 25 0:37 / ROOT/cg/unified rw - cgroup2 cgroup2 rw\n";

}  // namespace

TEST_CASE("cgroup v2: the CPU quota and the memory limit of the process's cgroup and those above it") {
  FakeMachine m(16 * k_gib / 1024, "0::/user.slice/render.scope\n", k_v2_mounts);
  m.file("cg/cgroup.controllers", "cpuset cpu io memory pids");
  m.file("cg/user.slice/cpu.max", "300000 100000");  // 3 CPUs for the slice
  m.file("cg/user.slice/memory.max", std::to_string(4 * k_gib));
  m.file("cg/user.slice/memory.current", std::to_string(k_gib));
  m.file("cg/user.slice/render.scope/cpu.max", "max 100000");
  m.file("cg/user.slice/render.scope/memory.max", "max");
  m.file("cg/user.slice/render.scope/memory.high", std::to_string(2 * k_gib));
  m.file("cg/user.slice/render.scope/memory.current", std::to_string(600 * k_mib));
  m.file("cg/user.slice/render.scope/memory.stat", "anon 1\nfile 2\ninactive_file " + std::to_string(100 * k_mib));

  Machine machine = m.find(8);
  CHECK(machine.cores == 3);
  CHECK_THAT(machine.cores_from, Catch::Matchers::Contains("cpu.max of /user.slice"));
  // memory.high of the scope less its use beyond inactive page cache: 2 GiB - 500 MiB.
  CHECK(machine.available_memory == 2 * k_gib - 500 * k_mib);
  CHECK_THAT(machine.memory_from, Catch::Matchers::Contains("memory.high of /user.slice/render.scope"));

  // A narrower affinity mask wins; so does a smaller MemAvailable.
  CHECK(m.find(2).cores == 2);
  CHECK(m.find(2).cores_from == "the affinity mask");
  FakeMachine tight(512 * 1024, "0::/user.slice/render.scope\n", k_v2_mounts);
  tight.file("cg/cgroup.controllers", "cpu memory");
  tight.file("cg/user.slice/render.scope/memory.max", std::to_string(2 * k_gib));
  CHECK(tight.find(4).available_memory == 512 * k_mib);
  CHECK(tight.find(4).memory_from == "MemAvailable");
}

TEST_CASE("cgroup v1: CFS quota and memory.limit_in_bytes, and no limit where none is set") {
  FakeMachine m(16 * k_gib / 1024, "9:name=systemd:/\n4:memory:/docker/abc\n1:cpu,cpuacct:/docker/abc\n0::/\n", k_v1_mounts);
  m.file("cg/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "150000");
  m.file("cg/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000");
  m.file("cg/cpu,cpuacct/cpu.cfs_quota_us", "-1");
  m.file("cg/cpu,cpuacct/cpu.cfs_period_us", "100000");
  m.file("cg/memory/docker/abc/memory.limit_in_bytes", std::to_string(k_gib));
  m.file("cg/memory/docker/abc/memory.usage_in_bytes", std::to_string(300 * k_mib));
  m.file("cg/memory/docker/abc/memory.stat", "cache 5\ntotal_inactive_file " + std::to_string(100 * k_mib));
  m.file("cg/memory/memory.limit_in_bytes", "9223372036854771712");
  m.file("cg/unified/cgroup.controllers", "");

  Machine machine = m.find(16);
  CHECK(machine.cores == 1);  // 1.5 CPUs of quota, rounded down
  CHECK_THAT(machine.cores_from, Catch::Matchers::Contains("cpu.cfs_quota_us of /docker/abc"));
  CHECK(machine.available_memory == k_gib - 200 * k_mib);
  CHECK_THAT(machine.memory_from, Catch::Matchers::Contains("memory.limit_in_bytes of /docker/abc"));

  // Without any limit: the affinity mask and MemAvailable.
  FakeMachine free(8 * k_gib / 1024, "4:memory:/\n1:cpu,cpuacct:/\n", k_v1_mounts);
  free.file("cg/memory/memory.limit_in_bytes", "9223372036854771712");
  free.file("cg/cpu,cpuacct/cpu.cfs_quota_us", "-1");
  Machine unlimited = free.find(12);
  CHECK(unlimited.cores == 12);
  CHECK(unlimited.available_memory == 8 * k_gib);
  CHECK(unlimited.memory_from == "MemAvailable");
}

TEST_CASE("inside a Slurm job the allocation's CPUs and memory count") {
  FakeMachine m(64 * k_gib / 1024, "0::/\n", k_v2_mounts);
  m.file("cg/cgroup.controllers", "cpu memory");
  // Outside a job the SLURM_* figures mean nothing.
  m.env = {{"SLURM_CPUS_PER_TASK", "2"}};
  CHECK(m.find(32).cores == 32);
  m.env = {{"SLURM_JOB_ID", "17"}, {"SLURM_CPUS_PER_TASK", "4"}, {"SLURM_MEM_PER_NODE", "6144"}};
  Machine task = m.find(32);
  CHECK(task.cores == 4);
  CHECK(task.cores_from == "SLURM_CPUS_PER_TASK");
  CHECK(task.available_memory == 6 * k_gib);
  CHECK(task.memory_from == "SLURM_MEM_PER_NODE");
  m.env = {{"SLURM_JOB_ID", "18"}, {"SLURM_JOB_CPUS_PER_NODE", "3(x2)"}, {"SLURM_MEM_PER_CPU", "1000"}};
  Machine per_cpu = m.find(32);
  CHECK(per_cpu.cores == 3);
  CHECK(per_cpu.available_memory == 3000 * k_mib);
  CHECK(per_cpu.memory_from == "SLURM_MEM_PER_CPU");
}
