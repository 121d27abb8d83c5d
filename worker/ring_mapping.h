// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An address range whose memory repeats: `regions` regions, each long
// enough for `region_bytes`, in which every `period` bytes map the same
// pages again (byte k of a region is the same memory as byte k + period).
//
// The photo loader has swscale write the reduced photo, a band of rows at a
// time, at each row's own place in a full-size image, and hands each band
// on as soon as it is written. Through a ring mapping those writes land on
// the same few pages again and again, so a photo's reduction touches only
// `period` bytes of memory a plane instead of the whole intermediate. A
// fresh page costs the kernel a fault and a zeroing (on this project's
// development machine 0.5 to 3.4 ms a megabyte); a page used again costs
// only a fault. A band must be handed on before the rows `period` bytes
// further on are written, which overwrite it.

#include <cstddef>
#include <cstdint>

namespace chunkreel {

class RingMapping {
 public:
  /// Maps the range; data() is null when the system cannot (then use
  /// ordinary memory instead). `period` is rounded up to whole pages.
  RingMapping(size_t region_bytes, int regions, size_t period);
  ~RingMapping();
  RingMapping(const RingMapping&) = delete;
  RingMapping& operator=(const RingMapping&) = delete;

  uint8_t* data() const { return m_base; }
  /// The start of region `r`, `period`-aligned from data().
  uint8_t* region(int r) const { return m_base + static_cast<size_t>(r) * m_region_span; }
  size_t period() const { return m_period; }
  /// Unmaps the whole pages inside [from, from + length) from this range,
  /// keeping their memory for the next lap: resident memory (which counts
  /// every address a page is mapped at) then stays at the bands in use,
  /// and the next touch costs a fault but no zeroing.
  void release(uint8_t* from, size_t length) const;

 private:
  uint8_t* m_base = nullptr;
  size_t m_total = 0;
  size_t m_region_span = 0;
  size_t m_period = 0;
};

}  // namespace chunkreel
