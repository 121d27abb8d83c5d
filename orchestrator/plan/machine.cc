// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/machine.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace chunkreel {
namespace {

// A limit at or above this is "none" (v1 writes 2^63 rounded to pages).
constexpr int64_t k_no_limit = int64_t{1} << 60;

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::optional<int64_t> read_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str()) return std::nullopt;
  return value;
}

// "key value" lines (meminfo, memory.stat): the value of `key`.
std::optional<int64_t> keyed_value(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string name;
  int64_t value = 0;
  std::string rest;
  while (in >> name >> value) {
    if (name == key) return value;
    std::getline(in, rest);
  }
  return std::nullopt;
}

// One cgroup hierarchy the process belongs to: where its folder is mounted,
// and the process's path inside it.
struct Hierarchy {
  int version = 2;
  std::string mount;  ///< mount point of the hierarchy
  std::string root;   ///< the hierarchy's path at that mount (its "root" field)
  std::string path;   ///< the process's cgroup, as /proc/self/cgroup says

  /// The folders of the process's cgroup and every one above it that this
  /// mount shows, innermost first.
  std::vector<std::pair<std::string, std::string>> folders() const {
    std::vector<std::pair<std::string, std::string>> found;
    std::string relative = path;
    if (root != "/" && relative.rfind(root, 0) == 0) relative = relative.substr(root.size());
    else if (root != "/") return found;  // the process is outside what this mount shows
    while (true) {
      found.push_back({mount + (relative == "/" ? "" : relative), relative.empty() ? "/" : relative});
      if (relative.empty() || relative == "/") break;
      const size_t slash = relative.rfind('/');
      relative = slash == 0 ? "/" : relative.substr(0, slash);
    }
    return found;
  }
};

// The hierarchies that hold `controller` ("cpu", "memory"): v1 mounts that
// name it, and the v2 mount when its root offers it.
std::vector<Hierarchy> hierarchies_of(const std::string& proc, const std::string& controller) {
  std::map<std::string, std::string> paths;  // "memory" or "" (v2) -> path
  {
    std::ifstream in(proc + "/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
      const size_t a = line.find(':'), b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      const std::string controllers = line.substr(a + 1, b - a - 1);
      std::stringstream list(controllers);
      std::string c;
      while (std::getline(list, c, ',')) paths[c] = line.substr(b + 1);
      if (controllers.empty()) paths[""] = line.substr(b + 1);
    }
  }
  std::vector<Hierarchy> found;
  std::ifstream in(proc + "/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - type source super-options
    std::istringstream fields(line);
    std::string id, parent, device, root, mount, field;
    fields >> id >> parent >> device >> root >> mount;
    while (fields >> field && field != "-") {}
    std::string type, source, options;
    fields >> type >> source >> options;
    Hierarchy h;
    h.mount = mount;
    h.root = root;
    if (type == "cgroup2" && paths.count("")) {
      const std::string offered = read_line(mount + "/cgroup.controllers");
      std::stringstream list(offered);
      std::string c;
      bool has = false;
      while (list >> c) has |= c == controller;
      if (!has) continue;
      h.version = 2;
      h.path = paths[""];
      found.push_back(h);
    } else if (type == "cgroup" && paths.count(controller)) {
      std::stringstream list(options);
      std::string option;
      bool has = false;
      while (std::getline(list, option, ',')) has |= option == controller;
      if (!has) continue;
      h.version = 1;
      h.path = paths[controller];
      found.push_back(h);
    }
  }
  return found;
}

struct Limit {
  double value = 0;
  std::string from;
};

void take_smaller(std::optional<Limit>* best, double value, std::string from) {
  if (!*best || value < (*best)->value) *best = Limit{value, std::move(from)};
}

std::optional<Limit> cgroup_cpus(const std::string& proc) {
  std::optional<Limit> best;
  for (const Hierarchy& h : hierarchies_of(proc, "cpu")) {
    for (const auto& [folder, name] : h.folders()) {
      double cpus = 0;
      std::string file;
      if (h.version == 2) {
        std::istringstream max(read_line(folder + "/cpu.max"));
        std::string quota;
        int64_t period = 0;
        if (!(max >> quota >> period) || quota == "max" || period <= 0) continue;
        cpus = double(read_number(quota).value_or(0)) / double(period);
        file = "cpu.max";
      } else {
        const auto quota = read_number(read_line(folder + "/cpu.cfs_quota_us"));
        const auto period = read_number(read_line(folder + "/cpu.cfs_period_us"));
        if (!quota || !period || *quota <= 0 || *period <= 0) continue;
        cpus = double(*quota) / double(*period);
        file = "cpu.cfs_quota_us";
      }
      if (cpus > 0) take_smaller(&best, cpus, fmt::format("cgroup v{} {} of {} ({:g} CPUs)", h.version, file, name, cpus));
    }
  }
  return best;
}

std::optional<Limit> cgroup_memory(const std::string& proc) {
  std::optional<Limit> best;
  for (const Hierarchy& h : hierarchies_of(proc, "memory")) {
    for (const auto& [folder, name] : h.folders()) {
      const bool v2 = h.version == 2;
      const auto usage = read_number(read_line(folder + (v2 ? "/memory.current" : "/memory.usage_in_bytes")));
      const auto cache = keyed_value(folder + "/memory.stat", v2 ? "inactive_file" : "total_inactive_file");
      const int64_t used = std::max<int64_t>(0, usage.value_or(0) - cache.value_or(0));
      for (const char* file : v2 ? std::vector<const char*>{"memory.max", "memory.high"}
                                 : std::vector<const char*>{"memory.limit_in_bytes"}) {
        const auto limit = read_number(read_line(folder + "/" + file));  // "max" reads as none
        if (!limit || *limit <= 0 || *limit >= k_no_limit) continue;
        take_smaller(&best, double(std::max<int64_t>(0, *limit - used)),
                     fmt::format("cgroup v{} {} of {} ({} MiB, {} MiB in use)", h.version, file, name,
                                 *limit >> 20, used >> 20));
      }
    }
  }
  return best;
}

// "2(x3),1" -> 2: the CPUs on this node, the first of Slurm's list.
std::optional<int64_t> leading_number(const char* text) {
  if (!text) return std::nullopt;
  return read_number(text);
}

}  // namespace

Machine find_machine(const MachineSources& sources) {
  const auto env = [&](const char* name) -> const char* {
    return sources.env ? sources.env(name) : std::getenv(name);
  };
  Machine machine;
  int affinity = sources.affinity_cpus;
  if (affinity <= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    affinity = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  }
  std::optional<Limit> cpus = Limit{double(std::max(1, affinity)), "the affinity mask"};
  if (auto quota = cgroup_cpus(sources.proc)) take_smaller(&cpus, std::max(1.0, std::floor(quota->value)), quota->from);
  const bool in_slurm = env("SLURM_JOB_ID") != nullptr;
  std::optional<int64_t> slurm_cpus;
  if (in_slurm) {
    if ((slurm_cpus = leading_number(env("SLURM_CPUS_PER_TASK"))))
      take_smaller(&cpus, double(*slurm_cpus), "SLURM_CPUS_PER_TASK");
    else if ((slurm_cpus = leading_number(env("SLURM_JOB_CPUS_PER_NODE"))))
      take_smaller(&cpus, double(*slurm_cpus), "SLURM_JOB_CPUS_PER_NODE");
  }
  machine.cores = std::max(1, static_cast<int>(cpus->value));
  machine.cores_from = cpus->from;

  std::optional<Limit> memory;
  if (auto kib = keyed_value(sources.proc + "/meminfo", "MemAvailable:")) take_smaller(&memory, double(*kib) * 1024, "MemAvailable");
  if (auto limit = cgroup_memory(sources.proc)) take_smaller(&memory, limit->value, limit->from);
  if (in_slurm) {
    if (auto mib = leading_number(env("SLURM_MEM_PER_NODE")); mib && *mib > 0)
      take_smaller(&memory, double(*mib) * 1024 * 1024, "SLURM_MEM_PER_NODE");
    else if (auto per_cpu = leading_number(env("SLURM_MEM_PER_CPU")); per_cpu && *per_cpu > 0)
      take_smaller(&memory, double(*per_cpu) * 1024 * 1024 * double(slurm_cpus.value_or(machine.cores)),
                   "SLURM_MEM_PER_CPU");
  }
  if (memory) {
    machine.available_memory = static_cast<int64_t>(memory->value);
    machine.memory_from = memory->from;
  }
  return machine;
}

Machine this_machine() { return find_machine(MachineSources{}); }

}  // namespace chunkreel
