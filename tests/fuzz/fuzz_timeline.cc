// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the project-file parser and validator, then the timing
// and the planner on whatever it accepts, and the chunk-job reader. Any
// input must give a value or an error: never a crash, an abort, an
// out-of-bounds access or undefined behaviour (built with ASan and UBSan).
// Run: scripts/fuzz [SECONDS]

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/chunk_job.h"
#include "common/show_timing.h"
#include "common/timeline_json.h"
#include "orchestrator/plan/chunk_boundaries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chunkreel;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto timeline = parse_timeline(text, "/fuzz/show.json");
  if (timeline.ok()) {
    const Timeline& t = timeline.value();
    ShowTiming timing = compute_timing(t.slides, t.output.fps);
    // Keep the planner's work bounded for absurd but valid shows.
    if (timing.frames > 0 && timing.frames < 2'000'000) {
      auto chunks = split_into_chunks(timing, t.output.fps, 1 + timing.frames / 7);
      int64_t next = 0;
      for (const ChunkPlan& c : chunks) {
        if (c.first_frame != next || c.frame_count <= 0) __builtin_trap();
        next += c.frame_count;
      }
      if (next != timing.frames) __builtin_trap();
    }
    (void)timeline_to_json(t);
  }
  (void)chunk_job_from_json(text);
  return 0;
}
