// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "common/units.h"
#include "orchestrator/report/line_printer.h"
#include "orchestrator/report/progress_display.h"

using namespace chunkreel;

TEST_CASE("the progress line shows percent frames speed ETA workers and memory") {
  ProgressSnapshot s;
  s.frames_done = 620;
  s.frames_total = 1470;
  s.elapsed_s = 20;
  s.workers_busy = 2;
  s.workers_cap = 2;
  s.memory_bytes = 412ll * 1024 * 1024;
  CHECK(format_progress(s) ==
        "[ 42%] 620/1470 frames  31.0 fps  ETA 0:27  workers 2/2  mem 412 MiB");
  s.frames_done = 0;
  CHECK(format_progress(s).find("ETA --:--") != std::string::npos);
}

TEST_CASE("durations and sizes read naturally") {
  CHECK(format_duration(0) == "0:00");
  CHECK(format_duration(59.6) == "1:00");
  CHECK(format_duration(3725) == "1:02:05");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(3 * 1024 * 1024) == "3 MiB");
  CHECK(format_bytes(int64_t(5) << 30) == "5.00 GiB");
}

TEST_CASE("status lines are cut to the terminal's width") {
  CHECK(elide_to_width("abcdefghij", 20) == "abcdefghij");
  CHECK(elide_to_width("abcdefghij", 8) == "abcde...");
}
