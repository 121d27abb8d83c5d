// SPDX-License-Identifier: GPL-2.0-or-later
// A render inside a real cgroup limited to one CPU and 1 GiB plans for that
// allocation, not for the host. The test makes the cgroups itself (CI runs
// as root), under /sys/fs/cgroup (cgroup v2, or the cpu and memory
// hierarchies of v1), moves only the processes it starts into them, and
// removes them after. It fails, never skips, when it cannot make them.

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

namespace {

// Where the cgroup hierarchy holding `controller` is mounted: the cgroup2
// mount when it offers the controller, else the v1 mount that names it.
std::string mount_of(const std::string& controller, bool* v2) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::string v1;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount, field, type, source, options;
    fields >> id >> parent >> device >> root >> mount;
    while (fields >> field && field != "-") {}
    fields >> type >> source >> options;
    if (type == "cgroup2" && test::read_text(mount + "/cgroup.controllers").find(controller) != std::string::npos) {
      *v2 = true;
      return mount;
    }
    if (type == "cgroup" && ("," + options + ",").find("," + controller + ",") != std::string::npos) v1 = mount;
  }
  *v2 = false;
  return v1;
}

void write_or_fail(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  INFO(path);
  REQUIRE(out.good());
}

// One CPU and `memory` bytes, for the processes a shell line moves in.
class CgroupJail {
 public:
  explicit CgroupJail(int64_t memory) {
    const std::string name = "chunkreel-test-" + std::to_string(::getpid());
    bool cpu_v2 = false, memory_v2 = false;
    const std::string cpu_mount = mount_of("cpu", &cpu_v2), memory_mount = mount_of("memory", &memory_v2);
    REQUIRE_FALSE(cpu_mount.empty());
    REQUIRE_FALSE(memory_mount.empty());
    if (cpu_v2) write_or_fail(cpu_mount + "/cgroup.subtree_control", "+cpu +memory");
    m_cpu = cpu_mount + "/" + name;
    m_memory = memory_v2 ? m_cpu : memory_mount + "/" + name;
    for (const std::string& folder : {m_cpu, m_memory}) {
      INFO(folder);
      REQUIRE((::mkdir(folder.c_str(), 0755) == 0 || errno == EEXIST));
    }
    if (cpu_v2) {
      write_or_fail(m_cpu + "/cpu.max", "100000 100000");
    } else {
      write_or_fail(m_cpu + "/cpu.cfs_period_us", "100000");
      write_or_fail(m_cpu + "/cpu.cfs_quota_us", "100000");
    }
    write_or_fail(m_memory + (memory_v2 ? "/memory.max" : "/memory.limit_in_bytes"), std::to_string(memory));
  }
  ~CgroupJail() {
    ::rmdir(m_cpu.c_str());
    if (m_memory != m_cpu) ::rmdir(m_memory.c_str());
  }
  CgroupJail(const CgroupJail&) = delete;
  CgroupJail& operator=(const CgroupJail&) = delete;

  /// `command`, run by a shell that first moves itself into the cgroups.
  std::string inside(const std::string& command) const {
    std::string moves = "echo $$ > " + test::quote(m_cpu + "/cgroup.procs");
    if (m_memory != m_cpu) moves += " && echo $$ > " + test::quote(m_memory + "/cgroup.procs");
    return "sh -c " + test::quote(moves + " && exec " + command);
  }

 private:
  std::string m_cpu, m_memory;
};

}  // namespace

TEST_CASE("a render inside a cgroup of one CPU and 1 GiB plans for it") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 3 --size 160x90 --photo 320x240 --seconds 1");
  constexpr int64_t k_gib = int64_t{1} << 30;
  CgroupJail jail(k_gib);

  // Outside, this machine's two cores plan two workers.
  auto free_plan = test::run(test::quote(test::chunkreel_path()) + " plan " + test::quote(project) + " --json --chunk-seconds 1");
  REQUIRE(free_plan.exit_code == 0);
  CHECK(nlohmann::json::parse(free_plan.output)["workers"] == std::min<unsigned>(2, std::thread::hardware_concurrency()));

  auto plan = test::run(jail.inside(test::quote(test::chunkreel_path()) + " plan " + test::quote(project) +
                                    " --json --chunk-seconds 1"));
  INFO(plan.output);
  REQUIRE(plan.exit_code == 0);
  const auto planned = nlohmann::json::parse(plan.output);
  CHECK(planned["workers"] == 1);
  CHECK(planned["memory_budget_bytes"].get<int64_t>() < k_gib);
  CHECK_THAT(planned["machine"]["cores_from"].get<std::string>(), Catch::Matchers::Contains("cgroup"));
  CHECK_THAT(planned["machine"]["memory_from"].get<std::string>(), Catch::Matchers::Contains("cgroup"));

  // And the render itself runs there, reporting where its figures came from.
  auto r = test::run(jail.inside(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                                 test::quote(dir / "out.mp4") + " --quiet --report " + test::quote(dir / "r.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(test::read_text(dir / "r.json"));
  CHECK(report["plan"]["workers"] == 1);
  CHECK(report["plan"]["machine"]["cores"] == 1);
  CHECK(report["plan"]["machine"]["available_memory_bytes"].get<int64_t>() <= k_gib);
}
