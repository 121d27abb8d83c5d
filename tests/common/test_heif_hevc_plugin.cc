// SPDX-License-Identifier: GPL-2.0-or-later
// FFmpeg's HEVC decoder behind libheif (common/heif_hevc_plugin) against
// libde265, libheif's own: the same HEICs decoded by each, to the same RGB,
// must be the same bits. A binary of its own, so that libde265 decodes
// first in a process where the plugin was never registered.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <map>
#include <tuple>

#include <libheif/heif.h>

#include "common/heif_hevc_plugin.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

// What libheif decodes `path` to, as RGB(A), 8 bits or 16-bit words a
// sample: every row's bytes, without stride padding.
std::string decode_rgb(const std::string& path) {
  heif_context* context = heif_context_alloc();
  REQUIRE(heif_context_read_from_file(context, path.c_str(), nullptr).code == heif_error_Ok);
  heif_image_handle* handle = nullptr;
  REQUIRE(heif_context_get_primary_image_handle(context, &handle).code == heif_error_Ok);
  const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
  const bool deep = heif_image_handle_get_luma_bits_per_pixel(handle) > 8;
  const heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                  : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  heif_image* image = nullptr;
  const heif_error error = heif_decode_image(handle, &image, heif_colorspace_RGB, chroma, nullptr);
  INFO(error.message);
  REQUIRE(error.code == heif_error_Ok);
  int stride = 0;
  const uint8_t* plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
  const int width = heif_image_get_width(image, heif_channel_interleaved);
  const int height = heif_image_get_height(image, heif_channel_interleaved);
  const size_t row = static_cast<size_t>(width) * (alpha ? 4 : 3) * (deep ? 2 : 1);
  std::string pixels;
  for (int y = 0; y < height; ++y) pixels.append(reinterpret_cast<const char*>(plane) + size_t(y) * stride, row);
  heif_image_release(image);
  heif_image_handle_release(handle);
  heif_context_free(context);
  return pixels;
}

std::string first_hevc_decoder() {
  const heif_decoder_descriptor* found[8] = {};
  const int count = heif_get_decoder_descriptors(heif_compression_HEVC, found, 8);
  return count > 0 ? heif_decoder_descriptor_get_name(found[0]) : "";
}

void noisy(int x, int y, double* v) {
  const unsigned hash = (static_cast<unsigned>(x) * 73856093u) ^ (static_cast<unsigned>(y) * 19349663u);
  const double noise = ((hash >> 8) % 1000) / 1000.0 * 0.2 - 0.1;
  v[0] = 0.5 + 0.3 * std::sin(x * 0.02) + noise;
  v[1] = 0.5 + 0.3 * std::cos(y * 0.017) - noise;
  v[2] = 0.4 + 0.2 * std::sin((x + y) * 0.01) + noise;
  v[3] = 0.3 + 0.6 * ((x / 7 + y / 5) % 2);
}

}  // namespace

TEST_CASE("FFmpeg's HEVC decoder gives libheif the same pixels libde265 does") {
  REQUIRE(first_hevc_decoder().find("libde265") != std::string::npos);  // nothing registered yet
  test::TempDir dir;
  // 8- and 10-bit, with and without alpha (a second HEVC image), sizes that
  // are not whole coding blocks (the SPS's conformance window crops them),
  // rotated by the container.
  const std::vector<std::tuple<std::string, int, bool, int, int, int>> photos = {
      {"plain.heic", 8, false, 640, 480, 1},  {"odd.heic", 8, false, 333, 251, 1},
      {"alpha.heic", 8, true, 320, 240, 1},   {"deep.heic", 10, false, 400, 300, 1},
      {"deep-alpha.heic", 10, true, 250, 190, 6}, {"turned.heic", 8, false, 300, 200, 8}};
  std::vector<std::string> names;
  for (const auto& [name, bits, alpha, w, h, orientation] : photos) {
    test::write_heif(dir / name, w, h, bits, alpha, orientation, false, noisy);
    names.push_back(name);
  }
  // And as phones store photos: grids of 512x512 tiles, 8- and 10-bit, the
  // edge tiles cropped by the grid's size.
  test::make_photo(dir / "source.png", "1300x700", "-pix_fmt rgb24");
  for (int bits : {8, 10}) {
    const std::string name = "grid" + std::to_string(bits) + ".heic";
    test::make_heic_grid(dir / "source.png", dir / name, bits);
    names.push_back(name);
  }
  std::vector<std::string> by_libde265;
  for (const std::string& name : names) by_libde265.push_back(decode_rgb(dir / name));
  use_ffmpeg_for_heif_hevc();
  CHECK(first_hevc_decoder() == ffmpeg_heif_hevc_plugin_name());
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    const std::string by_ffmpeg = decode_rgb(dir / names[i]);
    CHECK(by_ffmpeg.size() == by_libde265[i].size());
    CHECK(by_ffmpeg == by_libde265[i]);
  }
}

// Not part of the suite: `heif_plugin_tests "[.bench]"` times decodes of a
// 12-megapixel HEIC, libde265 first (this process has not registered the
// plugin when it starts), then FFmpeg, each to RGB (libheif converts) and
// as the decoder's own Y'CbCr 4:2:0 (the HEVC decode alone), and prints
// the medians of five.
TEST_CASE("HEIC decode time, libde265 against FFmpeg", "[.bench]") {
  REQUIRE(first_hevc_decoder().find("libde265") != std::string::npos);
  test::TempDir dir;
  test::write_heif(dir / "dense.heic", 4032, 3024, 8, false, 1, false, noisy);
  // A phone's own kind: 8x6 tiles of 512x512, about 2.6 MB.
  REQUIRE(test::run("ffmpeg -v error -f lavfi -i testsrc2=size=4032x3024:rate=1 -vf noise=alls=20:allf=t+u "
                    "-frames:v 1 -pix_fmt rgb24 " + test::quote(dir / "source.png")).exit_code == 0);
  test::make_heic_grid(dir / "source.png", dir / "grid.heic", 8, 14);
  auto median_of_five = [&](const std::string& file, heif_colorspace colorspace, heif_chroma chroma) {
    std::vector<double> seconds;
    for (int i = 0; i < 5; ++i) {
      heif_context* context = heif_context_alloc();
      heif_context_read_from_file(context, (dir / file).c_str(), nullptr);
      heif_image_handle* handle = nullptr;
      heif_context_get_primary_image_handle(context, &handle);
      heif_image* image = nullptr;
      const auto start = std::chrono::steady_clock::now();
      REQUIRE(heif_decode_image(handle, &image, colorspace, chroma, nullptr).code == heif_error_Ok);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      heif_image_release(image);
      heif_image_handle_release(handle);
      heif_context_free(context);
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds;
  };
  std::map<std::string, std::vector<double>> de265_rgb, de265_yuv, ffmpeg_rgb, ffmpeg_yuv;
  const std::vector<std::string> files = {"dense.heic", "grid.heic"};
  for (const std::string& file : files) {
    de265_rgb[file] = median_of_five(file, heif_colorspace_RGB, heif_chroma_interleaved_RGB);
    de265_yuv[file] = median_of_five(file, heif_colorspace_YCbCr, heif_chroma_420);
  }
  use_ffmpeg_for_heif_hevc();
  for (const std::string& file : files) {
    ffmpeg_rgb[file] = median_of_five(file, heif_colorspace_RGB, heif_chroma_interleaved_RGB);
    ffmpeg_yuv[file] = median_of_five(file, heif_colorspace_YCbCr, heif_chroma_420);
  }
  for (const std::string& file : files) {
    const auto& a = de265_rgb[file];
    const auto& b = ffmpeg_rgb[file];
    const auto& c = de265_yuv[file];
    const auto& d = ffmpeg_yuv[file];
    std::printf("%s (4032x3024 8-bit, %s, %.1f MB), medians of 5 (min-max), seconds:\n"
                "  to RGB:        libde265 %.3f (%.3f-%.3f)  FFmpeg %.3f (%.3f-%.3f)\n"
                "  Y'CbCr 4:2:0:  libde265 %.3f (%.3f-%.3f)  FFmpeg %.3f (%.3f-%.3f)\n",
                file.c_str(), file == "grid.heic" ? "48 tiles of 512x512" : "one image",
                std::filesystem::file_size(dir / file) / 1e6, a[2], a[0], a[4], b[2], b[0], b[4], c[2], c[0], c[4],
                d[2], d[0], d[4]);
  }
}
