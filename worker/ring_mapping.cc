// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/ring_mapping.h"

#include <sys/mman.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace chunkreel {

// A reserved range of no access, then every period-sized window of each
// region mapped shared onto that region's own period of a memory file.
RingMapping::RingMapping(size_t region_bytes, int regions, size_t period) {
  if (region_bytes == 0 || regions <= 0 || period == 0) return;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  m_period = (period + page - 1) / page * page;
  const size_t windows = (region_bytes + m_period - 1) / m_period;
  m_region_span = windows * m_period;
  const size_t total = m_region_span * static_cast<size_t>(regions);
  UniqueFd memory(memfd_create("chunkreel-band-ring", MFD_CLOEXEC));
  if (!memory || ftruncate(memory.get(), static_cast<off_t>(m_period * static_cast<size_t>(regions))) != 0) return;
  void* base = mmap(nullptr, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return;
  m_base = static_cast<uint8_t*>(base);
  m_total = total;
  for (int r = 0; r < regions; ++r) {
    for (size_t k = 0; k < windows; ++k) {
      void* at = region(r) + k * m_period;
      void* mapped = mmap(at, m_period, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memory.get(),
                          static_cast<off_t>(static_cast<size_t>(r) * m_period));
      if (mapped != at) {
        munmap(m_base, m_total);
        m_base = nullptr;
        m_total = 0;
        return;
      }
    }
  }
}

void RingMapping::release(uint8_t* from, size_t length) const {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t start = reinterpret_cast<uintptr_t>(from);
  const uintptr_t first = (start + page - 1) / page * page;  // whole pages only
  const uintptr_t last = (start + length) / page * page;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

RingMapping::~RingMapping() {
  if (m_base) munmap(m_base, m_total);
}

}  // namespace chunkreel
