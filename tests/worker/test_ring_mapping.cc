// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <unistd.h>

#include "worker/ring_mapping.h"

using namespace chunkreel;

TEST_CASE("a ring mapping repeats its memory every period, separately in each region") {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  // Three regions of 10.5 periods; the period is rounded up to whole pages.
  RingMapping ring(page * 63 / 2, 3, 3 * page - 100);
  REQUIRE(ring.data());
  const size_t period = ring.period();
  REQUIRE(period == 3 * page);
  for (int r = 0; r < 3; ++r) ring.region(r)[5] = static_cast<uint8_t>(10 + r);
  for (int r = 0; r < 3; ++r) {
    // The same memory a period later and at the region's last lap, and
    // each region its own.
    CHECK(ring.region(r)[5] == 10 + r);
    CHECK(ring.region(r)[period + 5] == 10 + r);
    CHECK(ring.region(r)[10 * period + 5] == 10 + r);
  }
  // A row written across a period's end goes on at the period's start.
  uint8_t* first = ring.region(0);
  for (size_t k = 0; k < 64; ++k) first[4 * period - 32 + k] = static_cast<uint8_t>(100 + k);
  for (size_t k = 0; k < 32; ++k) CHECK(first[period - 32 + k] == 100 + k);
  for (size_t k = 32; k < 64; ++k) CHECK(first[k - 32] == 100 + k);
  CHECK(ring.region(1)[5] == 11);
  // Released pages keep what was written, for the next lap.
  ring.release(first, 2 * period);
  CHECK(first[0] == 132);
  CHECK(first[9 * period] == 132);
}
