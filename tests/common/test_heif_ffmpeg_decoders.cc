// SPDX-License-Identifier: GPL-2.0-or-later
// The libavcodec decoders behind libheif (common/heif_ffmpeg_decoders)
// against libheif's own: FFmpeg's HEVC decoder against libde265, and dav1d
// through FFmpeg against libheif's dav1d plugin. The same HEICs and AVIFs
// decoded by each, to the same RGB, must be the same bits. A binary of its
// own, so that libheif's decoders decode first in a process where the
// plugins were never registered.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <map>
#include <tuple>

#include <sys/resource.h>

#include <libheif/heif.h>

#include "common/heif_ffmpeg_decoders.h"
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

std::string first_decoder(heif_compression_format format) {
  const heif_decoder_descriptor* found[8] = {};
  const int count = heif_get_decoder_descriptors(format, found, 8);
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

TEST_CASE("FFmpeg's decoders give libheif the same pixels its own do, HEVC and AV1") {
  REQUIRE(first_decoder(heif_compression_HEVC).find("libde265") != std::string::npos);  // nothing registered yet
  REQUIRE(first_decoder(heif_compression_AV1).find("dav1d") != std::string::npos);
  test::TempDir dir;
  // 8- and 10-bit, with and without alpha (a second coded image), sizes
  // that are not whole coding blocks (the SPS's conformance window crops
  // them), rotated by the container; AVIF likewise, at 8 bits (libaom
  // through libheif 1.15 writes no deeper AVIF here).
  const std::vector<std::tuple<std::string, int, bool, int, int, int, bool>> photos = {
      {"plain.heic", 8, false, 640, 480, 1, false},  {"odd.heic", 8, false, 333, 251, 1, false},
      {"alpha.heic", 8, true, 320, 240, 1, false},   {"deep.heic", 10, false, 400, 300, 1, false},
      {"deep-alpha.heic", 10, true, 250, 190, 6, false}, {"turned.heic", 8, false, 300, 200, 8, false},
      {"plain.avif", 8, false, 640, 480, 1, true},   {"odd.avif", 8, false, 333, 251, 1, true},
      {"alpha.avif", 8, true, 320, 240, 1, true},    {"turned.avif", 8, false, 300, 200, 6, true}};
  std::vector<std::string> names;
  for (const auto& [name, bits, alpha, w, h, orientation, avif] : photos) {
    test::write_heif(dir / name, w, h, bits, alpha, orientation, avif, noisy);
    names.push_back(name);
  }
  // An AVIF whose colr box says BT.709 at limited range, as its AV1
  // sequence header does: neither is libheif's fallback.
  heif_color_profile_nclx* nclx = heif_nclx_color_profile_alloc();
  nclx->color_primaries = heif_color_primaries_ITU_R_BT_709_5;
  nclx->transfer_characteristics = heif_transfer_characteristic_ITU_R_BT_709_5;
  nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_709_5;
  nclx->full_range_flag = 0;
  test::write_heif(dir / "bt709.avif", 320, 240, 8, false, 1, true, noisy, nclx);
  heif_nclx_color_profile_free(nclx);
  names.push_back("bt709.avif");
  // The same without its colr box (its type renamed to a free box's):
  // the colour then comes from the AV1 sequence header alone, which the
  // decoder must hand on to libheif.
  std::string bare = test::read_text(dir / "bt709.avif");
  const size_t colr = bare.find("colr");
  REQUIRE(colr != std::string::npos);
  REQUIRE(bare.find("colr", colr + 1) == std::string::npos);
  bare.replace(colr, 4, "free");
  test::write_text(dir / "bt709-bare.avif", bare);
  names.push_back("bt709-bare.avif");
  // And as phones store photos: grids of 512x512 tiles, 8- and 10-bit, the
  // edge tiles cropped by the grid's size.
  test::make_photo(dir / "source.png", "1300x700", "-pix_fmt rgb24");
  for (int bits : {8, 10}) {
    const std::string name = "grid" + std::to_string(bits) + ".heic";
    test::make_heic_grid(dir / "source.png", dir / name, bits);
    names.push_back(name);
  }
  std::vector<std::string> by_libheif;
  for (const std::string& name : names) by_libheif.push_back(decode_rgb(dir / name));
  use_ffmpeg_for_heif();
  CHECK(first_decoder(heif_compression_HEVC) == ffmpeg_heif_hevc_plugin_name());
  CHECK(first_decoder(heif_compression_AV1) == ffmpeg_heif_av1_plugin_name());
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    const std::string by_ffmpeg = decode_rgb(dir / names[i]);
    CHECK(by_ffmpeg.size() == by_libheif[i].size());
    CHECK(by_ffmpeg == by_libheif[i]);
  }
}

// The worker takes libheif's RGB(A) as planes (common/image_decoder.cc):
// they must hold the values of its interleaved form, sample for sample, at
// 8 and 10 bits, with alpha, for single images and grids, HEIC and AVIF.
TEST_CASE("libheif's planar RGB holds the values of its interleaved RGB") {
  use_ffmpeg_for_heif();
  test::TempDir dir;
  const std::vector<std::tuple<std::string, int, bool, bool>> photos = {
      {"plain.heic", 8, false, false}, {"alpha.heic", 8, true, false}, {"deep.heic", 10, false, false},
      {"deep-alpha.heic", 10, true, false}, {"plain.avif", 8, false, true}, {"alpha.avif", 8, true, true}};
  std::vector<std::string> names;
  for (const auto& [name, bits, alpha, avif] : photos) {
    test::write_heif(dir / name, 333, 251, bits, alpha, 1, avif, noisy);
    names.push_back(name);
  }
  test::make_photo(dir / "source.png", "1300x700", "-pix_fmt rgb24");
  for (int bits : {8, 10}) {
    names.push_back("grid" + std::to_string(bits) + ".heic");
    test::make_heic_grid(dir / "source.png", dir / names.back(), bits);
  }
  for (const std::string& name : names) {
    INFO(name);
    heif_context* context = heif_context_alloc();
    heif_context_set_max_decoding_threads(context, 0);
    REQUIRE(heif_context_read_from_file(context, (dir / name).c_str(), nullptr).code == heif_error_Ok);
    heif_image_handle* handle = nullptr;
    REQUIRE(heif_context_get_primary_image_handle(context, &handle).code == heif_error_Ok);
    const bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
    const bool deep = heif_image_handle_get_luma_bits_per_pixel(handle) > 8;
    const int channels = alpha ? 4 : 3;
    heif_image* planar = nullptr;
    REQUIRE(heif_decode_image(handle, &planar, heif_colorspace_RGB, heif_chroma_444, nullptr).code == heif_error_Ok);
    const std::string interleaved = decode_rgb(dir / name);
    const int width = heif_image_get_width(planar, heif_channel_R);
    const int height = heif_image_get_height(planar, heif_channel_R);
    REQUIRE(interleaved.size() == size_t(width) * height * channels * (deep ? 2 : 1));
    const heif_channel order[4] = {heif_channel_R, heif_channel_G, heif_channel_B, heif_channel_Alpha};
    size_t differing = 0;
    for (int c = 0; c < channels; ++c) {
      int stride = 0;
      const uint8_t* plane = heif_image_get_plane_readonly(planar, order[c], &stride);
      REQUIRE(plane != nullptr);
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          const size_t at = (size_t(y) * width + x) * channels + c;
          const unsigned want = deep ? uint8_t(interleaved[2 * at]) | uint8_t(interleaved[2 * at + 1]) << 8
                                     : uint8_t(interleaved[at]);
          const unsigned got = deep ? plane[size_t(y) * stride + 2 * x] | plane[size_t(y) * stride + 2 * x + 1] << 8
                                    : plane[size_t(y) * stride + x];
          differing += want != got;
        }
    }
    CHECK(differing == 0);
    heif_image_release(planar);
    heif_image_handle_release(handle);
    heif_context_free(context);
  }
}

// Not part of the suite: `heif_plugin_tests "[.bench]"` times decodes to
// RGB of 12-megapixel pictures, with libheif's own decoders first (this
// process has not registered the plugins when it starts), then through
// libavcodec: a dense HEIC (one HEVC picture), a phone-style HEIC grid and
// an AVIF. Tiles are decoded on the calling thread, as the worker decodes
// (common/heif_file.cc). It prints medians of five, and their range, of
// the wall time and of the process's CPU time, which counts the threads a
// decoder starts of its own.
TEST_CASE("HEIC and AVIF decode time, libheif's decoders against FFmpeg's", "[.bench]") {
  REQUIRE(first_decoder(heif_compression_HEVC).find("libde265") != std::string::npos);
  test::TempDir dir;
  test::write_heif(dir / "dense.heic", 4032, 3024, 8, false, 1, false, noisy);
  test::write_heif(dir / "dense.avif", 4032, 3024, 8, false, 1, true, noisy);
  // A phone's own kind: 8x6 tiles of 512x512, about 2.6 MB.
  REQUIRE(test::run("ffmpeg -v error -f lavfi -i testsrc2=size=4032x3024:rate=1 -vf noise=alls=20:allf=t+u "
                    "-frames:v 1 -pix_fmt rgb24 " + test::quote(dir / "source.png")).exit_code == 0);
  test::make_heic_grid(dir / "source.png", dir / "grid.heic", 8, 14);
  using Samples = std::vector<double>;
  auto cpu_now = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  };
  auto time_five = [&](const std::string& file) {
    std::pair<Samples, Samples> wall_cpu;
    for (int i = 0; i < 5; ++i) {
      heif_context* context = heif_context_alloc();
      heif_context_set_max_decoding_threads(context, 0);
      heif_context_read_from_file(context, (dir / file).c_str(), nullptr);
      heif_image_handle* handle = nullptr;
      heif_context_get_primary_image_handle(context, &handle);
      heif_image* image = nullptr;
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = cpu_now();
      REQUIRE(heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr).code ==
              heif_error_Ok);
      wall_cpu.first.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      wall_cpu.second.push_back(cpu_now() - cpu_start);
      heif_image_release(image);
      heif_image_handle_release(handle);
      heif_context_free(context);
    }
    std::sort(wall_cpu.first.begin(), wall_cpu.first.end());
    std::sort(wall_cpu.second.begin(), wall_cpu.second.end());
    return wall_cpu;
  };
  const std::vector<std::string> files = {"dense.heic", "grid.heic", "dense.avif"};
  std::map<std::string, std::pair<Samples, Samples>> own, ffmpeg;
  for (const std::string& file : files) own[file] = time_five(file);
  use_ffmpeg_for_heif();
  for (const std::string& file : files) ffmpeg[file] = time_five(file);
  for (const std::string& file : files) {
    const bool avif = file == "dense.avif";
    std::printf("%s (4032x3024 8-bit, %s, %.1f MB), to RGB, medians of 5 (min-max), seconds:\n", file.c_str(),
                file == "grid.heic" ? "48 HEVC tiles of 512x512" : avif ? "one AV1 picture" : "one HEVC picture",
                std::filesystem::file_size(dir / file) / 1e6);
    for (const auto& [name, samples] : {std::pair{avif ? "libheif's dav1d" : "libde265", own[file]},
                                        std::pair{avif ? "dav1d through FFmpeg" : "FFmpeg HEVC", ffmpeg[file]}}) {
      const auto& [wall, cpu] = samples;
      std::printf("  %-22s wall %.3f (%.3f-%.3f)  CPU %.3f (%.3f-%.3f)\n", name, wall[2], wall[0], wall[4], cpu[2],
                  cpu[0], cpu[4]);
    }
  }
}
