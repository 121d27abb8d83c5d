#include <catch2/catch.hpp>

#include <filesystem>

#include <fmt/format.h>

#include "common/image_probe.h"
#include "tests/test_support.h"

using namespace chunkreel;
using Catch::Matchers::Contains;

namespace {

void make_image(const std::string& path, const std::string& size, const std::string& extra = "") {
  test::make_photo(path, size, extra);
}

}  // namespace

TEST_CASE("JPEG and PNG and WebP sizes come from their headers") {
  test::TempDir dir;
  make_image(dir / "a.jpg", "320x240");
  make_image(dir / "b.png", "64x48");
  make_image(dir / "c.webp", "100x60");
  make_image(dir / "d.webp", "100x60", "-lossless 1");
  auto a = probe_image(dir / "a.jpg");
  REQUIRE(a.ok());
  CHECK(a.value().format == ImageFormat::k_jpeg);
  CHECK(a.value().width() == 320);
  CHECK(a.value().height() == 240);
  auto b = probe_image(dir / "b.png");
  REQUIRE(b.ok());
  CHECK(b.value().format == ImageFormat::k_png);
  CHECK(b.value().width() == 64);
  for (const char* webp : {"c.webp", "d.webp"}) {
    auto c = probe_image(dir / webp);
    REQUIRE(c.ok());
    CHECK(c.value().format == ImageFormat::k_webp);
    CHECK(c.value().width() == 100);
    CHECK(c.value().height() == 60);
  }
}

TEST_CASE("EXIF orientation is read in both byte orders and swaps sizes for 5..8") {
  test::TempDir dir;
  for (int orientation = 1; orientation <= 8; ++orientation) {
    for (bool little : {true, false}) {
      const std::string name = fmt::format("o{}{}.jpg", orientation, little ? 'l' : 'b');
      const std::string path = dir / name;
      make_image(path, "64x32");
      test::add_exif_orientation(path, orientation, little);
      auto info = probe_image(path);
      REQUIRE(info.ok());
      CHECK(info.value().orientation == orientation);
      CHECK(info.value().width() == (orientation >= 5 ? 32 : 64));
    }
  }
}

TEST_CASE("bad image files are refused by name and reason") {
  test::TempDir dir;
  CHECK_THAT(probe_image(dir / "missing.jpg").error().message, Contains("no such file"));
  std::filesystem::create_directory(dir / "folder.jpg");
  CHECK_THAT(probe_image(dir / "folder.jpg").error().message, Contains("is a folder"));
  test::write_text(dir / "empty.jpg", "");
  CHECK_THAT(probe_image(dir / "empty.jpg").error().message, Contains("is empty"));
  test::write_text(dir / "text.jpg", "this is not a picture at all\n");
  CHECK_THAT(probe_image(dir / "text.jpg").error().message, Contains("not a JPEG, PNG, WebP, HEIC/HEIF, AVIF or TIFF image"));
  make_image(dir / "whole.jpg", "320x240");
  test::write_text(dir / "cut.jpg", test::read_text(dir / "whole.jpg").substr(0, 40));
  CHECK_THAT(probe_image(dir / "cut.jpg").error().message, Contains("truncated"));
  // Cut in the image data, after intact headers: still caught before decoding.
  const std::string jpeg = test::read_text(dir / "whole.jpg");
  test::write_text(dir / "half.jpg", jpeg.substr(0, jpeg.size() * 6 / 10));
  CHECK_THAT(probe_image(dir / "half.jpg").error().message, Contains("truncated JPEG"));
  make_image(dir / "whole.png", "320x240");
  const std::string png = test::read_text(dir / "whole.png");
  test::write_text(dir / "half.png", png.substr(0, png.size() / 2));
  CHECK_THAT(probe_image(dir / "half.png").error().message, Contains("truncated PNG"));
  make_image(dir / "whole.webp", "320x240");
  const std::string webp = test::read_text(dir / "whole.webp");
  test::write_text(dir / "half.webp", webp.substr(0, webp.size() / 2));
  CHECK_THAT(probe_image(dir / "half.webp").error().message, Contains("truncated WebP"));
  CHECK(probe_image(dir / "whole.jpg").ok());
  CHECK(probe_image(dir / "whole.png").ok());
  CHECK(probe_image(dir / "whole.webp").ok());
}
