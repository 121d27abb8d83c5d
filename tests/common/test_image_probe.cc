// SPDX-License-Identifier: GPL-2.0-or-later
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

TEST_CASE("the EXIF date a photo was taken is read from JPEG, PNG and TIFF in both byte orders") {
  for (bool little : {true, false}) {
    const std::string tiff = test::exif_with_date("2024:08:12 09:30:00", little);
    const auto* bytes = reinterpret_cast<const uint8_t*>(tiff.data());
    CHECK(exif_date_taken(bytes, tiff.size()) == "2024-08-12");
    const std::string prefixed = std::string("Exif\0\0", 6) + tiff;
    CHECK(exif_date_taken(reinterpret_cast<const uint8_t*>(prefixed.data()), prefixed.size()) == "2024-08-12");
    // Cut short, blank (cameras with no clock set write zeros) or malformed: no date.
    CHECK(exif_date_taken(bytes, tiff.size() - 15).empty());
    for (const char* bad : {"0000:00:00 00:00:00", "2024-08-12 09:30:00", "2024:13:01 00:00:00", "    :  :     :  :  "}) {
      const std::string t = test::exif_with_date(bad, little);
      CHECK(exif_date_taken(reinterpret_cast<const uint8_t*>(t.data()), t.size()).empty());
    }
  }
  // Only orientation, no Exif IFD: no date.
  test::TempDir dir;
  make_image(dir / "o.jpg", "64x32");
  test::add_exif_orientation(dir / "o.jpg", 6, true);
  CHECK(probe_image(dir / "o.jpg").value().date_taken.empty());

  make_image(dir / "a.jpg", "64x32");
  test::add_exif_date(dir / "a.jpg", "2019:02:28 12:00:00", false);
  CHECK(probe_image(dir / "a.jpg").value().date_taken == "2019-02-28");
  make_image(dir / "b.png", "64x32");
  test::add_exif_date(dir / "b.png", "2021:11:03 07:15:00", true);
  auto png = probe_image(dir / "b.png");
  REQUIRE(png.ok());  // the chunk's CRC is right, the file still valid
  CHECK(png.value().date_taken == "2021-11-03");

  // A TIFF whose IFD 0 points at an Exif IFD, as cameras' TIFFs do: an 8x8
  // RGB strip, its tags in order, then the Exif IFD and its date.
  std::string t = "II*";
  t += '\0';
  auto u16 = [&](unsigned v) { t += static_cast<char>(v & 0xFF); t += static_cast<char>(v >> 8); };
  auto u32 = [&](unsigned v) { u16(v & 0xFFFF); u16(v >> 16); };
  const unsigned entries = 10, ifd0 = 8, exif_ifd = ifd0 + 2 + 12 * entries + 4;
  const unsigned date_at = exif_ifd + 2 + 12 + 4, strip_at = date_at + 20;
  u32(ifd0);
  u16(entries);
  auto entry = [&](unsigned tag, unsigned type, unsigned count, unsigned value) {
    u16(tag);
    u16(type);
    u32(count);
    u32(value);
  };
  entry(256, 3, 1, 8);         // width
  entry(257, 3, 1, 8);         // height
  entry(258, 3, 1, 8);         // bits per sample (one value for all three: enough for the probe)
  entry(259, 3, 1, 1);         // no compression
  entry(262, 3, 1, 2);         // RGB
  entry(273, 4, 1, strip_at);  // strip offset
  entry(277, 3, 1, 3);         // samples per pixel
  entry(278, 3, 1, 8);         // rows per strip
  entry(279, 4, 1, 8 * 8 * 3); // strip bytes
  entry(0x8769, 4, 1, exif_ifd);
  u32(0);
  u16(1);
  entry(0x9003, 2, 20, date_at);
  u32(0);
  t += "2016:07:04 10:00:00";
  t += '\0';
  t += std::string(8 * 8 * 3, '\x80');
  test::write_text(dir / "c.tif", t);
  auto tif = probe_image(dir / "c.tif");
  REQUIRE(tif.ok());
  CHECK(tif.value().width() == 8);
  CHECK(tif.value().date_taken == "2016-07-04");
}

TEST_CASE("a HEIC grid is told from a single-image HEIC by its primary item, and a damaged meta box never crashes the probe") {
  test::TempDir dir;
  test::make_photo(dir / "source.png", "1100x700", "-pix_fmt rgb24");
  test::make_heic_grid(dir / "source.png", dir / "grid.heic", 10);
  test::write_heif(dir / "single.heic", 640, 480, 10, false, 1, false,
                   [](int x, int y, double* v) { v[0] = v[1] = v[2] = ((x + y) % 7) / 7.0; v[3] = 1; });
  const ImageInfo grid = probe_image(dir / "grid.heic").value();
  CHECK(grid.stored_width == 1100);
  CHECK(grid.stored_height == 700);
  const ImageInfo single = probe_image(dir / "single.heic").value();
  // A grid's decoders hold a tile at a time, a single image's the whole picture.
  CHECK(grid.decode_fixed_bytes > 0);
  CHECK(grid.decode_peak_bytes_per_pixel < single.decode_peak_bytes_per_pixel);
  CHECK(single.decode_fixed_bytes == 0);

  // Every byte of the boxes before the media data, changed in turn: the
  // probe answers each time, a picture or a refusal.
  const std::string original = test::read_text(dir / "grid.heic");
  const size_t mdat = original.find("mdat");
  REQUIRE(mdat != std::string::npos);
  int answered = 0;
  for (size_t at = 8; at < mdat; at += 3) {
    std::string damaged = original;
    damaged[at] = static_cast<char>(damaged[at] ^ (at % 2 ? 0xff : 0x40));
    test::write_text(dir / "damaged.heic", damaged);
    (void)probe_image(dir / "damaged.heic");
    ++answered;
  }
  CHECK(answered > 100);
}
