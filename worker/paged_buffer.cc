// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/paged_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

namespace chunkreel {

PagedBuffer::PagedBuffer(size_t bytes) : m_size(bytes) {
  if (bytes == 0) return;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) m_data = static_cast<uint8_t*>(p);
}

PagedBuffer::~PagedBuffer() {
  if (m_data) munmap(m_data, m_size);
}

void PagedBuffer::release(size_t offset, size_t length) {
  if (!m_data || offset >= m_size) return;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t end = offset + length < m_size ? offset + length : m_size;
  const size_t first = (offset + page - 1) / page * page;  // whole pages only
  const size_t last = end / page * page;
  if (last > first) madvise(m_data + first, last - first, MADV_DONTNEED);
}

}  // namespace chunkreel
