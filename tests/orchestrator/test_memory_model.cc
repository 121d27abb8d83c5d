#include <catch2/catch.hpp>

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
  ImageInfo small{ImageFormat::k_jpeg, 1000, 750, 1, 0};
  ImageInfo huge{ImageFormat::k_jpeg, 8000, 6000, 1, 0};
  auto estimate = [](const OutputSettings& out, const ImageInfo& image) {
    ChunkMemoryInput in;
    in.output = &out;
    in.max_zoom = 1.25;
    in.images = {&image};
    return estimate_chunk_peak(in);
  };
  CHECK(estimate(uhd, small) > 3 * estimate(hd, small) / 2);
  CHECK(estimate(medium, small) > estimate(hd, small));
  CHECK(estimate(hd, huge) > estimate(hd, small));
  // How close the estimate comes to a real worker's peak is measured, not
  // assumed: tests/e2e/test_memory_estimate.cc.
}
