// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/test_support.h"
#include "worker/slide_images.h"

using namespace chunkreel;

namespace {

// Two slides whose pictures other chunks show too, so each has a shared
// picture file in `dir`.
std::vector<JobSlide> shared_slides(const test::TempDir& dir) {
  std::vector<JobSlide> slides;
  for (int i = 0; i < 2; ++i) {
    const std::string path = dir / ("p" + std::to_string(i) + ".png");
    test::make_photo(path, "320x240");
    JobSlide s;
    s.span = {i, i * 2.0, 2.0, 0.0, 0.0};
    s.image = path;
    s.image_width = 320;
    s.image_height = 240;
    s.shared_picture = dir / ("p" + std::to_string(i) + ".picture");
    slides.push_back(s);
  }
  return slides;
}

OutputSettings small_output() {
  OutputSettings output;
  output.width = 160;
  output.height = 120;
  return output;
}

// Loads both slides, as a neighbour chunk would, writing their pictures.
void neighbour_writes(const std::vector<JobSlide>& slides, const OutputSettings& output) {
  SlideImages neighbour(slides, output, 1);
  neighbour.get(0);
  neighbour.get(1);
  neighbour.wait();
  for (const JobSlide& s : slides) REQUIRE(std::filesystem::exists(s.shared_picture));
}

}  // namespace

TEST_CASE("a worker reads the shared pictures that were written when it started") {
  test::TempDir dir;
  const std::vector<JobSlide> slides = shared_slides(dir);
  const OutputSettings output = small_output();
  neighbour_writes(slides, output);
  SlideImages images(slides, output, 0);
  images.get(0);
  images.get(1);
  images.wait();
  CHECK(images.pictures_shared() == 2);
  CHECK(images.photos_loaded() == 0);
}

// The orchestrator estimates a worker's memory at its start from the
// pictures written by then; a picture a neighbour writes later must not
// turn a counted decode into a read, or the estimate misses by a decode.
TEST_CASE("a worker decodes the photos whose shared pictures were not written when it started") {
  test::TempDir dir;
  const std::vector<JobSlide> slides = shared_slides(dir);
  const OutputSettings output = small_output();
  SlideImages images(slides, output, 0);
  neighbour_writes(slides, output);
  images.get(0);
  images.get(1);
  images.wait();
  CHECK(images.photos_loaded() == 2);
  CHECK(images.pictures_shared() == 0);
}
