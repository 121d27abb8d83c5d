#include <catch2/catch.hpp>

#include "orchestrator/plan/chunk_boundaries.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

ShowTiming timing_of(std::vector<std::pair<double, double>> slides, Rational fps) {
  return compute_timing(test::slides_of(slides), fps);
}

// Chunks cover every frame once, in order, and never start inside a transition.
void check_partition(const ShowTiming& t, Rational fps, const std::vector<ChunkPlan>& chunks) {
  REQUIRE_FALSE(chunks.empty());
  int64_t next = 0;
  for (const ChunkPlan& c : chunks) {
    CHECK(c.first_frame == next);
    CHECK(c.frame_count > 0);
    CHECK_FALSE(frame_in_transition(t, fps, c.first_frame));
    next = c.first_frame + c.frame_count;
  }
  CHECK(next == t.frames);
}

}  // namespace

TEST_CASE("short slides are grouped into chunks near the target length") {
  const Rational fps{30, 1};
  std::vector<std::pair<double, double>> slides(40, {2.0, 0.5});
  ShowTiming t = timing_of(slides, fps);
  auto chunks = split_into_chunks(t, fps, 300);  // 10 s
  check_partition(t, fps, chunks);
  CHECK(chunks.size() == 6);  // 60.5 s / 10 s
  // Boundaries land on slide boundaries: the first frame after a crossfade.
  std::vector<int64_t> boundaries = slide_boundaries(t, fps);
  for (size_t i = 1; i < chunks.size(); ++i)
    CHECK(std::find(boundaries.begin(), boundaries.end(), chunks[i].first_frame) != boundaries.end());
  for (const ChunkPlan& c : chunks) CHECK(c.frame_count == Approx(300).margin(60));
}

TEST_CASE("a long slide is split at frame boundaries") {
  const Rational fps{30, 1};
  ShowTiming t = timing_of({{2, 1}, {60, 1}, {2, 0}}, fps);
  auto chunks = split_into_chunks(t, fps, 300);
  check_partition(t, fps, chunks);
  CHECK(chunks.size() == 6);
  int inside_long_slide = 0;
  for (const ChunkPlan& c : chunks) inside_long_slide += c.first_slide == 1 && c.last_slide == 1;
  CHECK(inside_long_slide >= 3);
}

TEST_CASE("no chunk starts inside a transition even with long crossfades") {
  const Rational fps{30000, 1001};
  std::vector<std::pair<double, double>> slides;
  for (int i = 0; i < 30; ++i) slides.push_back({3.0 + (i % 3), 1.5});
  ShowTiming t = timing_of(slides, fps);
  for (int64_t target : {15, 45, 90, 200, 1000, 100000}) {
    auto chunks = split_into_chunks(t, fps, target);
    check_partition(t, fps, chunks);
    // Each chunk lists the slides its frames show.
    for (const ChunkPlan& c : chunks) {
      SlideRange r = slides_for_frames(t, fps, c.first_frame, c.frame_count);
      CHECK(c.first_slide == r.first);
      CHECK(c.last_slide == r.last);
    }
  }
}

TEST_CASE("a slide made wholly of transitions offers no boundary") {
  const Rational fps{10, 1};
  // Slide 1 is 2 s with 1 s in and 1 s out: always in a transition.
  ShowTiming t = timing_of({{4, 1}, {2, 1}, {4, 0}}, fps);
  // Slide 1 is on screen over frames 30-49, every one of them in a transition.
  for (int64_t k = 30; k < 50; ++k) REQUIRE(frame_in_transition(t, fps, k));
  for (int64_t b : slide_boundaries(t, fps)) CHECK_FALSE((b >= 30 && b < 50));
  // Chunks of half a second would love to start in there; none may.
  auto chunks = split_into_chunks(t, fps, 5);
  check_partition(t, fps, chunks);
  bool spans_slide_1 = false;
  for (const ChunkPlan& c : chunks) {
    CHECK_FALSE((c.first_frame > 30 && c.first_frame < 50));
    spans_slide_1 |= c.first_frame <= 30 && c.first_frame + c.frame_count >= 50;
  }
  CHECK(spans_slide_1);  // one chunk renders both of its transitions whole
}

TEST_CASE("a target longer than the show gives one chunk") {
  const Rational fps{30, 1};
  ShowTiming t = timing_of({{3, 1}, {3, 0}}, fps);
  auto chunks = split_into_chunks(t, fps, 10000);
  REQUIRE(chunks.size() == 1);
  CHECK(chunks[0].frame_count == t.frames);
  CHECK(chunks[0].first_slide == 0);
  CHECK(chunks[0].last_slide == 1);
  CHECK(chunks[0].transition_frames == 30);
}

TEST_CASE("the tail's chunks are half as long, and detailed slides cost more") {
  const Rational fps{30, 1};
  ShowTiming t = timing_of({{120, 0}}, fps);  // one long slide: boundaries anywhere
  auto chunks = split_into_chunks(t, fps, 300, 2);
  check_partition(t, fps, chunks);
  REQUIRE(chunks.size() == 13);  // 11 of 10 s, then 2 of 5 s
  for (size_t i = 0; i + 2 < chunks.size(); ++i) CHECK(chunks[i].frame_count == Approx(3600 / 12.0).margin(2));
  CHECK(chunks[11].frame_count == Approx(3600 / 24.0).margin(2));
  CHECK(chunks[12].frame_count == Approx(3600 / 24.0).margin(2));

  ShowTiming two = timing_of({{10, 0}, {10, 0}}, fps);
  auto plain = split_into_chunks(two, fps, 300);
  auto weighted = split_into_chunks(two, fps, 300, 0, {1.0, 2.0});
  REQUIRE(plain.size() == 2);
  REQUIRE(weighted.size() == 2);
  CHECK(plain[0].cost == Approx(plain[1].cost));
  CHECK(weighted[1].cost > 1.8 * weighted[0].cost);
}
