// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

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
  CostModel costs;
  costs.slides = {{1.0, 0}, {2.0, 0}};
  auto plain = split_into_chunks(two, fps, 300);
  auto weighted = split_into_chunks(two, fps, 300, 0, &costs);
  REQUIRE(plain.size() == 2);
  REQUIRE(weighted.size() == 2);
  CHECK(plain[0].cost == Approx(plain[1].cost));
  CHECK(weighted[0].cost == Approx(300));
  CHECK(weighted[1].cost == Approx(600));
}

TEST_CASE("the tail's chunks keep their half length rather than snap to a nearby slide boundary") {
  // The bench show: twelve 5 s slides joined by 1 s crossfades (1470
  // frames), chunks of about 6.1 s and a tail of two. A slide boundary lies
  // 28 frames before the ideal start of the last chunk, within 30% of its
  // length: snapping there made the tail 64 and 120 frames long.
  const Rational fps{30, 1};
  std::vector<std::pair<double, double>> slides(12, {5, 1});
  slides.back().second = 0;
  ShowTiming t = timing_of(slides, fps);
  REQUIRE(t.frames == 1470);
  auto chunks = split_into_chunks(t, fps, 184, 2);
  check_partition(t, fps, chunks);
  REQUIRE(chunks.size() == 9);
  const ChunkPlan& last = chunks[8];
  const ChunkPlan& before = chunks[7];
  CHECK(std::llabs(last.frame_count - before.frame_count) <= 1);
  CHECK(last.frame_count == Approx(1470 / 16.0).margin(1));
  // The whole chunks after the first still start on slide boundaries.
  const std::vector<int64_t> boundaries = slide_boundaries(t, fps);
  for (int i = 1; i <= 6; ++i)
    CHECK(std::count(boundaries.begin(), boundaries.end(), chunks[i].first_frame) == 1);
}

TEST_CASE("a chunk costs its frames at their own slide's price, its loads and a start") {
  const Rational fps{30, 1};
  // Slides of 4, 4 and 4 s with 1 s crossfades: frames 0-89 show slide 0,
  // 90-119 mix 0 and 1, 120-179 show 1, 180-209 mix 1 and 2, 210-299 show 2.
  ShowTiming t = timing_of({{4, 1}, {4, 1}, {4, 0}}, fps);
  REQUIRE(t.frames == 300);
  CostModel costs;
  costs.slides = {{1.0, 5.0}, {3.0, 7.0}, {1.0, 11.0}};
  costs.transition_frame_s = 0.5;
  costs.start_s = 13;
  auto chunks = split_into_chunks(t, fps, 150, 0, &costs);
  check_partition(t, fps, chunks);
  REQUIRE(chunks.size() == 2);
  REQUIRE(chunks[1].first_frame == 120);  // the slide boundary nearest frame 150
  // Chunk 0: slides 0 and 1; 90 frames at 1, 30 mixed at (1 + 3) / 2 + 0.5.
  CHECK(chunks[0].cost == Approx(13 + 5 + 7 + 90 * 1.0 + 30 * 2.5));
  // Chunk 1: slides 1 and 2; 60 frames at 3, 30 mixed at (3 + 1) / 2 + 0.5,
  // 90 at 1. A mean over the chunk's slides would price all 180 at 2.
  CHECK(chunks[1].cost == Approx(13 + 7 + 11 + 60 * 3.0 + 30 * 2.5 + 90 * 1.0));
}

TEST_CASE("the cost model prices detail, pixels, presets, loads and cards") {
  ImageInfo clean, noisy;
  clean.stored_width = noisy.stored_width = 4000;
  clean.stored_height = noisy.stored_height = 3000;
  clean.file_bytes = 3'000'000;   // 0.25 bytes a pixel
  noisy.file_bytes = 12'000'000;  // 1 byte a pixel
  OutputSettings hd;
  hd.width = 1920;
  hd.height = 1080;
  CostModel model = make_cost_model(hd, {clean, noisy, clean}, {false, false, true});
  REQUIRE(model.slides.size() == 3);
  // About twice the encode a frame (bench: 58 against 30 ms), a dearer load.
  CHECK(model.slides[1].frame_s / model.slides[0].frame_s == Approx(1.9).epsilon(0.1));
  CHECK(model.slides[1].load_s > model.slides[0].load_s);
  CHECK(model.slides[0].load_s > 0);
  // A card loads nothing and encodes for less than any photo.
  CHECK(model.slides[2].load_s == 0);
  CHECK(model.slides[2].frame_s < model.slides[0].frame_s);

  OutputSettings uhd = hd;
  uhd.width = 3840;
  uhd.height = 2160;
  CHECK(make_cost_model(uhd, {clean}, {false}).slides[0].frame_s == Approx(4 * model.slides[0].frame_s));
  OutputSettings slow = hd;
  slow.video.preset = "slow";
  CHECK(make_cost_model(slow, {clean}, {false}).slides[0].frame_s > 4 * model.slides[0].frame_s);
  // A frame's price does not depend on the photo's size, only its load does.
  ImageInfo small = clean;
  small.stored_width = 2000;
  small.stored_height = 1500;
  small.file_bytes = clean.file_bytes / 4;
  CostModel both = make_cost_model(hd, {clean, small}, {false, false});
  CHECK(both.slides[1].frame_s == Approx(both.slides[0].frame_s));
  CHECK(both.slides[1].load_s == Approx(both.slides[0].load_s / 4));
}

TEST_CASE("no chunk is shorter than the encoder's delay allows, short ones merge into a neighbour") {
  const Rational fps{30, 1};
  // Crossfades force one-frame chunks next to them when the target is tiny.
  ShowTiming t = timing_of({{3, 1}, {3, 1}, {1, 0}}, fps);
  for (int64_t target : {1, 2, 3}) {
    for (int64_t least : {1, 2, 3}) {
      INFO("target " << target << ", at least " << least);
      auto chunks = split_into_chunks(t, fps, target, 2, nullptr, least);
      check_partition(t, fps, chunks);
      for (const ChunkPlan& c : chunks) CHECK(c.frame_count >= least);
      for (size_t i = 0; i < chunks.size(); ++i) CHECK(chunks[i].index == static_cast<int>(i));
    }
  }
  // Without the floor the same plan does have chunks under three frames.
  auto unfloored = split_into_chunks(t, fps, 1);
  CHECK(std::any_of(unfloored.begin(), unfloored.end(), [](const ChunkPlan& c) { return c.frame_count < 3; }));
  // A show shorter than the floor is one chunk.
  ShowTiming two = timing_of({{2.0 / 30, 0}}, fps);
  auto one = split_into_chunks(two, fps, 1, 0, nullptr, 3);
  REQUIRE(one.size() == 1);
  CHECK(one[0].frame_count == 2);
}

TEST_CASE("the cost model prices a clip's decoding by codec, size and speed, and its pre-roll by keyframe gap") {
  OutputSettings hd;
  hd.width = 1920;
  hd.height = 1080;
  ClipInfo h264;
  h264.codec = "h264";
  h264.coded_width = 1920;
  h264.coded_height = 1080;
  h264.frame_rate = 30;
  h264.keyframes = {0, 1, 2};
  ClipInfo hevc = h264;
  hevc.codec = "hevc";
  hevc.coded_width = 3840;
  hevc.coded_height = 2160;
  ClipInfo hlg = hevc;
  hlg.transfer = ClipTransfer::k_hlg;
  ClipInfo sparse = h264;
  sparse.keyframes = {0, 8};
  ImageInfo shown;  // what the planner gives a clip slide: its display size
  shown.stored_width = 1920;
  shown.stored_height = 1080;
  shown.decoded_bytes_per_pixel = 0;
  const int target = 1920 * 1080;
  const CostModel model = make_cost_model(
      hd, {shown, shown, shown, shown, shown}, {false, false, false, false, false},
      {{&h264, 1, target}, {&h264, 2, target}, {&hevc, 1, target}, {&hlg, 1, target}, {&sparse, 1, target}});
  const CostModel photo = make_cost_model(hd, {shown}, {false});
  // Decoding adds to a frame's price; twice as fast decodes twice the frames.
  CHECK(model.slides[0].frame_s > photo.slides[0].frame_s);
  CHECK(model.slides[1].frame_s - photo.slides[0].frame_s ==
        Approx(2 * (model.slides[0].frame_s - photo.slides[0].frame_s)).epsilon(0.35));
  // Four times the pixels of a dearer codec, then tone mapping on top.
  CHECK(model.slides[2].frame_s > model.slides[0].frame_s + 4 * (model.slides[0].frame_s - photo.slides[0].frame_s) / 2);
  CHECK(model.slides[3].frame_s > 2 * model.slides[2].frame_s);
  // A chunk starting inside a clip decodes from the keyframe before.
  CHECK(model.slides[4].load_s > 4 * model.slides[0].load_s);
}

TEST_CASE("a long clip is split where a chunk's decode starts at one of its keyframes") {
  const Rational fps{30, 1};
  // A photo, a 60 s clip played from 3 s at speed 1.5 (so 40 s), a photo;
  // 1 s crossfades. Keyframes every 2.4 s of the clip, from 0.
  ShowTiming t = timing_of({{5, 1}, {40, 1}, {5, 0}}, fps);
  std::vector<double> keyframes;
  for (double k = 0; k < 60; k += 2.4) keyframes.push_back(k);
  const std::vector<int64_t> starts = keyframe_starts(t, fps, 1, 3.0, 1.5, keyframes);
  REQUIRE(starts.size() > 10);
  auto clip_time = [&](int64_t frame) { return 3.0 + (double(frame) / 30 - t.spans[1].start) * 1.5; };
  for (int64_t frame : starts) {
    INFO("frame " << frame);
    CHECK_FALSE(frame_in_transition(t, fps, frame));
    // The frame shows a keyframe, or a moment less than a frame after one.
    double nearest = 1e9;
    for (double k : keyframes)
      if (k <= clip_time(frame) + 1e-9) nearest = std::min(nearest, clip_time(frame) - k);
    CHECK(nearest < 1.5 / 30 + 1e-9);
  }
  // Chunks of about 7 s: every start inside the clip lands on one of them.
  auto chunks = split_into_chunks(t, fps, 210, 0, nullptr, 1, starts);
  check_partition(t, fps, chunks);
  int inside = 0;
  for (const ChunkPlan& c : chunks) {
    if (c.first_frame <= first_frame_at_or_after(t.spans[1].start + 1, fps) ||
        c.first_frame >= first_frame_at_or_after(t.spans[2].start, fps))
      continue;
    ++inside;
    CHECK(std::find(starts.begin(), starts.end(), c.first_frame) != starts.end());
  }
  CHECK(inside >= 4);
  // Without them, the same plan starts chunks wherever the frame count says.
  auto plain = split_into_chunks(t, fps, 210);
  int on_keyframes = 0;
  for (const ChunkPlan& c : plain) on_keyframes += std::find(starts.begin(), starts.end(), c.first_frame) != starts.end();
  CHECK(on_keyframes < inside);
}
