// SPDX-License-Identifier: GPL-2.0-or-later
// Content keys: a chunk, and a batch project, count as done only while every
// input they were made from is unchanged.

#include <catch2/catch.hpp>

#include <filesystem>

#include "common/content_key.h"
#include "common/image_probe.h"
#include "orchestrator/project/project_load.h"
#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

namespace {

ChunkJob job_showing(const std::string& image) {
  ChunkJob job;
  job.frame_count = 30;
  job.chunk_path = "/anywhere/chunk.mp4";
  JobSlide slide;
  slide.span = {0, 0.0, 1.0, 0.0, 0.0};
  slide.image = image;
  job.slides = {slide};
  return job;
}

}  // namespace

TEST_CASE("a changed image gives its chunks a new content key") {
  test::TempDir dir;
  const std::string photo = dir / "p.jpg";
  test::make_photo(photo, "320x240");
  const std::string before = chunk_content_key(job_showing(photo));
  CHECK(chunk_content_key(job_showing(photo)) == before);  // stable while nothing changes

  ChunkJob elsewhere = job_showing(photo);
  elsewhere.chunk_path = "/another/folder/chunk.mp4";
  CHECK(chunk_content_key(elsewhere) == before);  // where the chunk lives is not part of it

  // The same size and name, other pixels.
  test::make_photo(photo, "320x240", "-vf negate");
  CHECK(chunk_content_key(job_showing(photo)) != before);
}

TEST_CASE("a changed font file gives a captioned chunk a new content key") {
  test::TempDir dir;
  const std::string photo = dir / "p.jpg", font = dir / "font.ttf";
  test::make_photo(photo, "320x240");
  test::write_text(font, "first version of the font");
  ChunkJob job = job_showing(photo);
  LaidOutCaption caption;
  caption.pixel_size = 20;
  caption.fonts = {{font, 0}};
  caption.glyphs = {{0, 5, 10.0, 20.0}};
  job.slides[0].caption = caption;
  const std::string before = chunk_content_key(job);
  CHECK(chunk_content_key(job) == before);
  test::write_text(font, "second version of the font");  // same path, same job
  CHECK(chunk_content_key(job) != before);
}

TEST_CASE("a changed image or soundtrack gives the whole show a new key") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 2 --size 160x90 --photo 320x240 --seconds 1");
  ProjectSource source;
  source.path = project;
  auto key = [&] {
    auto loaded = load_project(source);
    REQUIRE(loaded.ok());
    return project_key(loaded.value());
  };
  const std::string before = key();
  CHECK(key() == before);
  const std::string photo = dir / "show/photos/photo_000.jpg";
  test::make_photo(photo, "320x240", "-vf negate");
  const std::string after_photo = key();
  CHECK(after_photo != before);
  REQUIRE(test::run("ffmpeg -v error -y -f lavfi -i sine=frequency=300:duration=2 " +
                    test::quote(dir / "show/music/track.mp3"))
              .exit_code == 0);
  CHECK(key() != after_photo);
}
