// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A large buffer of anonymous memory whose pages can be given back to the
// system piece by piece while the buffer stays mapped.
//
// The photo loader scales a photo into one of these in bands and converts
// each band as soon as it is complete; the band's pages are then released,
// so the full-size intermediate is never resident at once. What is resident
// is what has been written and not yet released (plus partial pages at the
// edges of a release), which is what a worker's memory estimate counts.

#include <cstddef>
#include <cstdint>

namespace chunkreel {

class PagedBuffer {
 public:
  /// Maps `bytes` of zero-filled memory; data() is null when that fails.
  explicit PagedBuffer(size_t bytes);
  ~PagedBuffer();
  PagedBuffer(const PagedBuffer&) = delete;
  PagedBuffer& operator=(const PagedBuffer&) = delete;

  uint8_t* data() const { return m_data; }
  size_t size() const { return m_size; }
  /// Gives back the whole pages inside [offset, offset + length); reading
  /// them again yields zeros.
  void release(size_t offset, size_t length);

 private:
  uint8_t* m_data = nullptr;
  size_t m_size = 0;
};

}  // namespace chunkreel
