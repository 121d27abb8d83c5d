// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/chunk_job.h"
#include "common/image_probe.h"
#include "common/show_timing.h"
#include "common/chunk_file.h"
#include "orchestrator/join/join.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

// A job rendering `frames` frames of one generated photo.
ChunkJob job_for(const std::string& image, const std::string& chunk_path, int64_t first,
                 int64_t frames, const std::string& preset) {
  ChunkJob job;
  job.chunk_index = 0;
  job.first_frame = first;
  job.frame_count = frames;
  job.output.width = 160;
  job.output.height = 90;
  job.output.video.preset = preset;
  job.chunk_path = chunk_path;
  JobSlide slide;
  slide.span = {0, 0.0, 10.0, 0.0, 0.0};
  slide.image = image;
  auto info = probe_image(image);
  REQUIRE(info.ok());
  slide.image_width = info.value().width();
  slide.image_height = info.value().height();
  job.slides = {slide};
  return job;
}

void run_worker(const ChunkJob& job, const std::string& job_path) {
  REQUIRE(write_chunk_job(job, job_path).ok());
  auto r = test::run(test::quote(test::worker_path()) + " " + test::quote(job_path));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("\"event\":\"done\""));
}

}  // namespace

TEST_CASE("chunks with identical settings join and a chunk encoded differently is refused by name") {
  test::TempDir dir;
  test::make_photo(dir / "p.jpg", "320x240");
  run_worker(job_for(dir / "p.jpg", dir / "c0.mp4", 0, 20, "veryfast"), dir / "j0.json");
  run_worker(job_for(dir / "p.jpg", dir / "c1.mp4", 20, 20, "veryfast"), dir / "j1.json");
  // medium differs from veryfast in its SPS/PPS (more reference frames, other
  // tools) but not in profile or level, so only the extradata comparison can
  // catch it.
  run_worker(job_for(dir / "p.jpg", dir / "c2.mp4", 40, 20, "medium"), dir / "j2.json");

  CHECK(check_chunks_match({dir / "c0.mp4", dir / "c1.mp4"}).ok());
  JoinInput input;
  input.chunk_paths = {dir / "c0.mp4", dir / "c1.mp4"};
  input.chunk_first_frames = {0, 20};
  input.chunk_frame_counts = {20, 20};
  input.fps = Rational{30, 1};
  auto joined = join_chunks(input, dir / "joined.mp4");
  REQUIRE(joined.ok());
  CHECK(joined.value().video_packets == 40);

  auto refused = check_chunks_match({dir / "c0.mp4", dir / "c1.mp4", dir / "c2.mp4"});
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Matchers::Contains("chunk 2 (c2.mp4)"));
  INFO(refused.error().message);
  // Same size, profile and level: only the SPS/PPS tell the presets apart.
  CHECK_THAT(refused.error().message, Catch::Matchers::Contains("extradata (SPS/PPS)"));
  input.chunk_paths.push_back(dir / "c2.mp4");
  input.chunk_first_frames.push_back(40);
  input.chunk_frame_counts.push_back(20);
  CHECK_FALSE(join_chunks(input, dir / "bad.mp4").ok());
  CHECK_FALSE(std::filesystem::exists(dir / "bad.mp4"));
  CHECK(test::leftover_temporaries(dir.path()).empty());

  // Asked to stop (Ctrl-C), the join writes nothing and leaves no temporary.
  input.chunk_paths.pop_back();
  input.chunk_first_frames.pop_back();
  input.chunk_frame_counts.pop_back();
  std::atomic<bool> stop{true};
  input.interrupted = &stop;
  auto stopped = join_chunks(input, dir / "stopped.mp4");
  REQUIRE(stopped.ok());
  CHECK(stopped.value().interrupted);
  CHECK_FALSE(std::filesystem::exists(dir / "stopped.mp4"));
  CHECK(test::leftover_temporaries(dir.path()).empty());

  // Without -y a file already there is kept, and one appearing meanwhile too.
  input.interrupted = nullptr;
  auto kept = join_chunks(input, dir / "joined.mp4");
  REQUIRE_FALSE(kept.ok());
  CHECK_THAT(kept.error().message, Catch::Matchers::Contains("appeared there while chunkreel worked"));
  input.replace = Replace::k_allowed;
  CHECK(join_chunks(input, dir / "joined.mp4").ok());
  CHECK(test::leftover_temporaries(dir.path()).empty());
}

TEST_CASE("a chunk missing frames is refused at the join") {
  test::TempDir dir;
  test::make_photo(dir / "p.jpg", "320x240");
  run_worker(job_for(dir / "p.jpg", dir / "c0.mp4", 0, 15, "veryfast"), dir / "j0.json");
  JoinInput input;
  input.chunk_paths = {dir / "c0.mp4"};
  input.chunk_first_frames = {0};
  input.chunk_frame_counts = {16};
  input.fps = Rational{30, 1};
  auto joined = join_chunks(input, dir / "out.mp4");
  REQUIRE_FALSE(joined.ok());
  CHECK_THAT(joined.error().message, Catch::Matchers::Contains("holds 15 frames, expected 16"));
}

TEST_CASE("chunks of one, two and three frames are planned long enough to join") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 3 --size 160x90 --photo 320x240 --seconds 1");
  for (const char* seconds : {"0.034", "0.067", "0.1"}) {
    INFO("--chunk-seconds " << seconds);
    const std::string out = dir / (std::string("c") + seconds + ".mp4");
    auto plan = test::run(test::quote(test::chunkreel_path()) + " plan " + test::quote(project) +
                          " --json --chunk-seconds " + seconds);
    REQUIRE(plan.exit_code == 0);
    const nlohmann::json planned = nlohmann::json::parse(plan.output);
    CHECK(planned["chunks"].size() > 10);
    for (const auto& chunk : planned["chunks"]) CHECK(chunk["frame_count"] >= 3);
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                       test::quote(out) + " --quiet --chunk-seconds " + seconds);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(test::frame_md5s(out).size() == planned["frames"].get<size_t>());
  }
}
