// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/project/folder_show.h"

using namespace chunkreel;

TEST_CASE("natural order compares runs of digits by value") {
  std::vector<std::string> names = {"img10.jpg", "img2.jpg", "IMG1.jpg", "img02b.jpg", "a.jpg", "img2a.jpg"};
  std::sort(names.begin(), names.end(), natural_less);
  CHECK(names == std::vector<std::string>{"a.jpg", "IMG1.jpg", "img2.jpg", "img2a.jpg", "img02b.jpg", "img10.jpg"});
  CHECK(natural_less("x9", "x10"));
  CHECK_FALSE(natural_less("x10", "x9"));
  CHECK(natural_less("2019-12-31", "2020-01-01"));
}
