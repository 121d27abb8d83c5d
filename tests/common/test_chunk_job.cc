// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "common/atomic_file.h"
#include "common/chunk_job.h"
#include "tests/test_support.h"

using namespace chunkreel;

TEST_CASE("a chunk job round-trips through its file exactly") {
  ChunkJob job;
  job.chunk_index = 7;
  job.first_frame = 1234;
  job.frame_count = 321;
  job.threads = 3;
  job.chunk_path = "/work/show.mp4.parts/chunk_00007.mp4";
  job.output.width = 1280;
  job.output.height = 720;
  job.output.fps = Rational{30000, 1001};
  job.output.background = Colour{1, 2, 3};
  job.output.video.preset = "medium";
  job.output.video.crf = 18;
  JobSlide slide;
  slide.span = {12, 41.108 / 3.0, 5.0, 0.75, 1.0};  // a start time with no short decimal form
  slide.image = "/photos/a b.jpg";
  slide.image_width = 4000;
  slide.image_height = 3000;
  slide.orientation = 6;
  slide.fit = Fit::k_contain_blur;
  slide.motion.from = {1.0, 0.25, 0.75};
  slide.motion.to = {1.3, 0.6, 0.4};
  slide.motion.easing = Easing::k_ease_in_out;
  slide.out_transition = TransitionType::k_wipe_up;
  slide.shared_picture = "/work/show.mp4.parts/picture_00012_0123456789abcdef.pic";
  job.slides = {slide, slide};
  job.slides[1].shared_picture.clear();
  job.slides[1].span.index = 13;
  // The second is a title card with a laid-out caption, positions with no
  // short decimal form.
  job.slides[1].image.clear();
  job.slides[1].card = Colour{9, 8, 7};
  LaidOutCaption caption;
  caption.style.color = {250, 240, 230, 128};
  caption.style.shadow.enabled = true;
  caption.style.fade = 0.4;
  caption.style.end = 2.5;
  caption.pixel_size = 54.015625;
  caption.fonts = {{"/fonts/a.ttf", 0}, {"/fonts/b.ttc", 2}};
  caption.glyphs = {{0, 43, 100.0 / 3.0, 700}, {1, 5256, 141.421356, 700.5}};
  caption.box_x0 = 10.0 / 7.0;
  caption.box_y0 = 650;
  caption.box_x1 = 300.25;
  caption.box_y1 = 720.0 / 1.1;
  job.slides[1].caption = caption;

  test::TempDir dir;
  REQUIRE(write_chunk_job(job, dir / "job.json").ok());
  auto back = read_chunk_job(dir / "job.json");
  REQUIRE(back.ok());
  const ChunkJob& b = back.value();
  CHECK(b.chunk_index == 7);
  CHECK(b.first_frame == 1234);
  CHECK(b.frame_count == 321);
  CHECK(b.threads == 3);
  CHECK(b.chunk_path == job.chunk_path);
  CHECK(b.output == job.output);
  REQUIRE(b.slides.size() == 2);
  // Start times must survive bit for bit, or frames would differ by chunk.
  CHECK(b.slides[0].span.start == slide.span.start);
  CHECK(b.slides[0].span.in_transition == 0.75);
  CHECK(b.slides[1].span.index == 13);
  CHECK_FALSE(b.slides[0].card);
  CHECK_FALSE(b.slides[0].caption);
  CHECK(b.slides[1].card == job.slides[1].card);
  CHECK(b.slides[1].caption == job.slides[1].caption);  // every double bit for bit
  CHECK(b.slides[0].image == slide.image);
  CHECK(b.slides[0].orientation == 6);
  CHECK(b.slides[0].fit == Fit::k_contain_blur);
  CHECK(b.slides[0].motion == slide.motion);
  CHECK(b.slides[0].out_transition == TransitionType::k_wipe_up);
  CHECK(b.slides[0].shared_picture == slide.shared_picture);
  CHECK(b.slides[1].shared_picture.empty());
}

TEST_CASE("a damaged chunk job is refused with the field named") {
  auto bad = chunk_job_from_json(R"({"version": 1, "chunk_index": 0})");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Matchers::Contains("first_frame: is required"));
  CHECK_FALSE(chunk_job_from_json("{").ok());
}

TEST_CASE("each attempt of a chunk writes through temporary names of its own") {
  CHECK(attempt_temporary("/w/chunk_00003.mp4", "") == own_temporary_path("/w/chunk_00003.mp4"));
  CHECK(attempt_temporary("/w/chunk_00003.mp4", "slurm-tasks-2") == "/w/chunk_00003.mp4.slurm-tasks-2.tmp");
  CHECK(attempt_temporary("/w/chunk_00003.mp4", "slurm-tasks-2") !=
        attempt_temporary("/w/chunk_00003.mp4", "slurm-tasks-3"));
  CHECK(shared_picture_temporary("/w/picture_7.rgba", 3, "slurm-tasks-2") ==
        "/w/picture_7.rgba.chunk00003.slurm-tasks-2.tmp");
  CHECK(shared_picture_temporary("/w/picture_7.rgba", 3) == "/w/picture_7.rgba.chunk00003.tmp");
  CHECK(is_attempt_name("slurm-tasks-12"));
  CHECK_FALSE(is_attempt_name(""));
  CHECK_FALSE(is_attempt_name("../x"));
  CHECK_FALSE(is_attempt_name("a b"));
}
