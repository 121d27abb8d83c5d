// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/units.h"
#include "orchestrator/plan/memory_estimate.h"

using namespace chunkreel;

TEST_CASE("sizes parse in powers of 1024") {
  CHECK(parse_size("1500000").value() == 1500000);
  CHECK(parse_size("512K").value() == 512 * 1024);
  CHECK(parse_size("300M").value() == 300ll << 20);
  CHECK(parse_size("4G").value() == 4ll << 30);
  CHECK(parse_size("1.5G").value() == (3ll << 30) / 2);
  CHECK_FALSE(parse_size("").ok());
  CHECK_FALSE(parse_size("4T").ok());
  CHECK_FALSE(parse_size("-1G").ok());
  CHECK_FALSE(parse_size("lots").ok());
}

TEST_CASE("estimates grow with output size, encoder preset and image size") {
  OutputSettings hd;
  OutputSettings uhd = hd;
  uhd.width = 3840;
  uhd.height = 2160;
  OutputSettings medium = hd;
  medium.video.preset = "medium";
  ImageInfo small{ImageFormat::k_jpeg, 1000, 750, 1, 300000, 1.5};
  ImageInfo huge{ImageFormat::k_jpeg, 8000, 6000, 1, 20000000, 1.5};
  auto estimate = [](const OutputSettings& out, const ImageInfo& image) {
    ChunkMemoryInput in;
    in.output = &out;
    SlideMemory slide;
    slide.image = &image;
    slide.prefiltered_width = std::min(image.width(), out.width * 5 / 4);
    slide.prefiltered_height = std::min(image.height(), out.height * 5 / 4);
    in.slides = {slide, slide, slide};
    return estimate_chunk_peak(in);
  };
  CHECK(estimate(uhd, small) > 3 * estimate(hd, small) / 2);
  CHECK(estimate(medium, small) > estimate(hd, small));
  CHECK(estimate(hd, huge) > estimate(hd, small));
  // How close the estimate comes to a real worker's peak is measured, not
  // assumed: tests/e2e/test_memory_estimate.cc.
}

TEST_CASE("a short chunk's loads do not add to a full encoder, and a long chunk's do") {
  OutputSettings hd;
  ImageInfo photo{ImageFormat::k_jpeg, 4000, 3000, 1, 8000000, 1.5};
  SlideMemory slide{&photo, 2400, 1800};
  ChunkMemoryInput two;
  two.output = &hd;
  two.slides = {slide, slide};
  ChunkMemoryInput three = two;
  three.slides.push_back(slide);
  // Loading: the decoded pixels, with the larger of the file's two copies
  // and the picture being built.
  const double load = 4000.0 * 3000 * 1.5 + std::max(2 * 8000000.0, 4.0 * 2400 * 1800);
  CHECK(estimate_chunk_peak(three) - estimate_chunk_peak(two) ==
        Approx(load - 3.0 * 2400 * 1800).margin(1024));
}

TEST_CASE("a slide read from a neighbour's shared picture adds nothing while it loads") {
  OutputSettings hd;
  ImageInfo photo{ImageFormat::k_jpeg, 4000, 3000, 1, 8000000, 1.5};
  SlideMemory decoded{&photo, 2400, 1800};
  SlideMemory read = decoded;
  read.shared_read = true;
  ChunkMemoryInput all_decoded;
  all_decoded.output = &hd;
  all_decoded.slides = {decoded, decoded, decoded};
  ChunkMemoryInput all_read = all_decoded;
  all_read.slides = {read, read, read};
  ChunkMemoryInput one_decoded = all_read;
  one_decoded.slides[2] = decoded;
  // Read pictures leave the second slide on screen as the largest thing
  // beside the first; one photo still decoded brings its load back.
  const double load = 4000.0 * 3000 * 1.5 + std::max(2 * 8000000.0, 4.0 * 2400 * 1800);
  CHECK(estimate_chunk_peak(all_decoded) - estimate_chunk_peak(all_read) ==
        Approx(load - 3.0 * 2400 * 1800).margin(1024));
  CHECK(estimate_chunk_peak(one_decoded) == estimate_chunk_peak(all_decoded));
}
