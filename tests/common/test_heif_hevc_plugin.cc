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
  std::vector<std::string> by_libde265;
  for (const auto& [name, bits, alpha, w, h, orientation] : photos) {
    test::write_heif(dir / name, w, h, bits, alpha, orientation, false, noisy);
    by_libde265.push_back(decode_rgb(dir / name));
  }
  use_ffmpeg_for_heif_hevc();
  CHECK(first_hevc_decoder() == ffmpeg_heif_hevc_plugin_name());
  for (size_t i = 0; i < photos.size(); ++i) {
    INFO(std::get<0>(photos[i]));
    const std::string by_ffmpeg = decode_rgb(dir / std::get<0>(photos[i]));
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
  test::write_heif(dir / "phone.heic", 4032, 3024, 8, false, 1, false, noisy);
  auto median_of_five = [&](heif_colorspace colorspace, heif_chroma chroma) {
    std::vector<double> seconds;
    for (int i = 0; i < 5; ++i) {
      heif_context* context = heif_context_alloc();
      heif_context_read_from_file(context, (dir / "phone.heic").c_str(), nullptr);
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
  const auto de265_rgb = median_of_five(heif_colorspace_RGB, heif_chroma_interleaved_RGB);
  const auto de265_yuv = median_of_five(heif_colorspace_YCbCr, heif_chroma_420);
  use_ffmpeg_for_heif_hevc();
  const auto ffmpeg_rgb = median_of_five(heif_colorspace_RGB, heif_chroma_interleaved_RGB);
  const auto ffmpeg_yuv = median_of_five(heif_colorspace_YCbCr, heif_chroma_420);
  std::printf("4032x3024 8-bit HEIC, medians of 5 (min-max), seconds:\n"
              "  to RGB:        libde265 %.3f (%.3f-%.3f)  FFmpeg %.3f (%.3f-%.3f)\n"
              "  Y'CbCr 4:2:0:  libde265 %.3f (%.3f-%.3f)  FFmpeg %.3f (%.3f-%.3f)\n",
              de265_rgb[2], de265_rgb[0], de265_rgb[4], ffmpeg_rgb[2], ffmpeg_rgb[0], ffmpeg_rgb[4],
              de265_yuv[2], de265_yuv[0], de265_yuv[4], ffmpeg_yuv[2], ffmpeg_yuv[0], ffmpeg_yuv[4]);
}
