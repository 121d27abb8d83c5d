#include "orchestrator/plan/machine.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace chunkreel {

int64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream fields(line.substr(13));
      int64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

Machine this_machine() {
  Machine machine;
  machine.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  machine.available_memory = available_memory_bytes();
  return machine;
}

}  // namespace chunkreel
