// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "tests/test_support.h"
#include "worker/frame_renderer.h"
#include "worker/slide_images.h"

using namespace chunkreel;

TEST_CASE("a chunk's first two photos load before its first frame, and no more") {
  // Three 2 s slides with 0.5 s crossfades; the chunk starts at the first
  // frame of the first slide.
  test::TempDir dir;
  std::vector<JobSlide> slides;
  for (int i = 0; i < 3; ++i) {
    const std::string path = dir / ("p" + std::to_string(i) + ".png");
    test::make_photo(path, "320x240");
    JobSlide s;
    s.span = {i, i * 1.5, 2.0, i ? 0.5 : 0.0, i < 2 ? 0.5 : 0.0};
    s.image = path;
    s.image_width = 320;
    s.image_height = 240;
    s.out_transition = i < 2 ? TransitionType::k_crossfade : TransitionType::k_cut;
    slides.push_back(s);
  }
  OutputSettings output;
  output.width = 160;
  output.height = 120;
  SlideImages images(slides, output, 0);
  FrameRenderer renderer(slides, output, &images);
  renderer.load_ahead(0);
  // Both loads are over on return (the memory estimate counts on neither
  // meeting a full-grown encoder); the third waits for its turn.
  CHECK(images.photos_loaded() == 2);
  images.wait();
  CHECK(images.photos_loaded() == 2);
}
