// SPDX-License-Identifier: GPL-2.0-or-later
// Photos as phones and cameras make them: HEIC/HEIF and AVIF (libheif, with
// the container's rotation), 10-bit and alpha, TIFF, embedded colour
// profiles (checked against LittleCMS's own conversion of the same pixels),
// and folder shows that name every file they leave out. All test images are
// made here.

#include <catch2/catch.hpp>

#include <zlib.h>

#include <array>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include <fmt/format.h>
#include <lcms2.h>
#include <libheif/heif.h>
#include <nlohmann/json.hpp>

#include "common/image_probe.h"
#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int k_w = 320;
constexpr int k_h = 180;

// A lossless render of one still, contained, slide per image.
test::YuvVideo render_stills(const test::TempDir& dir, const std::vector<std::string>& images,
                             const std::string& background = "#000000", std::string* output = nullptr) {
  json slides = json::array();
  for (const std::string& image : images) slides.push_back({{"image", image}, {"fit", "contain"}});
  const json project = test::lossless_project(slides, background, 10);
  test::write_text(dir / "show.json", project.dump(2));
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                     test::quote(dir / "out.mp4") + " --workers 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  if (output) *output = r.output;
  return test::decode_yuv(dir / "out.mp4", k_w, k_h);
}

// ---- colour profiles, built with LittleCMS -------------------------------

std::string profile_bytes(cmsHPROFILE profile) {
  cmsUInt32Number size = 0;
  REQUIRE(cmsSaveProfileToMem(profile, nullptr, &size));
  std::string bytes(size, '\0');
  REQUIRE(cmsSaveProfileToMem(profile, bytes.data(), &size));
  return bytes;
}

cmsHPROFILE display_p3() {
  const cmsCIExyY d65{0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE p3{{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
  const cmsFloat64Number srgb[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  cmsToneCurve* curve = cmsBuildParametricToneCurve(nullptr, 4, srgb);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  cmsHPROFILE profile = cmsCreateRGBProfile(&d65, &p3, curves);
  cmsFreeToneCurve(curve);
  return profile;
}

cmsHPROFILE adobe_rgb() {
  const cmsCIExyY d65{0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE adobe{{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}};
  cmsToneCurve* curve = cmsBuildGamma(nullptr, 563.0 / 256.0);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  cmsHPROFILE profile = cmsCreateRGBProfile(&d65, &adobe, curves);
  cmsFreeToneCurve(curve);
  return profile;
}

// LittleCMS's conversion of one 8-bit pixel from `profile` to sRGB, in levels.
std::array<double, 3> lcms_to_srgb(cmsHPROFILE profile, const std::array<int, 3>& rgb) {
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsHTRANSFORM t = cmsCreateTransform(profile, TYPE_RGB_DBL, srgb, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC, 0);
  double in[3] = {rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0}, out[3] = {};
  cmsDoTransform(t, in, out, 1);
  cmsDeleteTransform(t);
  cmsCloseProfile(srgb);
  return {std::clamp(out[0], 0.0, 1.0) * 255, std::clamp(out[1], 0.0, 1.0) * 255, std::clamp(out[2], 0.0, 1.0) * 255};
}

// The first pixel of an image as ffmpeg decodes it (what the file holds).
std::array<int, 3> decoded_pixel(const std::string& path) {
  auto r = test::run("ffmpeg -v error -i " + test::quote(path) + " -frames:v 1 -pix_fmt rgb24 -f rawvideo -");
  REQUIRE(r.output.size() >= 3);
  return {static_cast<unsigned char>(r.output[0]), static_cast<unsigned char>(r.output[1]),
          static_cast<unsigned char>(r.output[2])};
}

void put_be32(std::string& s, uint32_t v) {
  for (int shift : {24, 16, 8, 0}) s += static_cast<char>((v >> shift) & 0xFF);
}

// JPEG: APP2 ICC_PROFILE segments right after SOI, split as cameras do.
void embed_in_jpeg(const std::string& path, const std::string& icc, size_t part = 60000) {
  std::string segments;
  const size_t count = (icc.size() + part - 1) / part;
  for (size_t i = 0; i < count; ++i) {
    const std::string chunk = icc.substr(i * part, part);
    std::string payload = std::string("ICC_PROFILE\0", 12);
    payload += static_cast<char>(i + 1);
    payload += static_cast<char>(count);
    payload += chunk;
    segments += "\xFF\xE2";
    segments += static_cast<char>((payload.size() + 2) >> 8);
    segments += static_cast<char>((payload.size() + 2) & 0xFF);
    segments += payload;
  }
  std::string jpeg = test::read_text(path);
  jpeg.insert(2, segments);
  test::write_text(path, jpeg);
}

// PNG: a deflated iCCP chunk right after IHDR.
void embed_in_png(const std::string& path, const std::string& icc) {
  uLongf packed_size = compressBound(icc.size());
  std::string packed(packed_size, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                    reinterpret_cast<const Bytef*>(icc.data()), icc.size(), 9) == Z_OK);
  packed.resize(packed_size);
  std::string data = std::string("test profile\0\0", 14) + packed;
  std::string chunk;
  put_be32(chunk, static_cast<uint32_t>(data.size()));
  const std::string typed = "iCCP" + data;
  chunk += typed;
  put_be32(chunk, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size())));
  std::string png = test::read_text(path);
  png.insert(8 + 25, chunk);  // signature, then IHDR (8 + 13 + 4)
  test::write_text(path, png);
}

// WebP: the simple file made extended (VP8X with the ICC flag), with an
// ICCP chunk before its image chunk.
void embed_in_webp(const std::string& path, const std::string& icc, int w, int h) {
  const std::string webp = test::read_text(path);
  REQUIRE(webp.substr(12, 3) == "VP8");
  auto le32 = [](uint32_t v) {
    std::string b;
    for (int shift : {0, 8, 16, 24}) b += static_cast<char>((v >> shift) & 0xFF);
    return b;
  };
  auto le24 = [&](uint32_t v) { return le32(v).substr(0, 3); };
  std::string vp8x = "VP8X" + le32(10) + std::string(1, '\x20') + std::string(3, '\0') + le24(w - 1) + le24(h - 1);
  std::string iccp = "ICCP" + le32(static_cast<uint32_t>(icc.size())) + icc + (icc.size() % 2 ? std::string(1, '\0') : "");
  const std::string body = "WEBP" + vp8x + iccp + webp.substr(12);
  test::write_text(path, "RIFF" + le32(static_cast<uint32_t>(body.size())) + body);
}

// PNG: a gAMA chunk (the encoding exponent) right after IHDR.
void add_png_gamma(const std::string& path, double decoding_gamma) {
  std::string data;
  put_be32(data, static_cast<uint32_t>(std::lround(100000.0 / decoding_gamma)));
  std::string chunk;
  put_be32(chunk, 4);
  const std::string typed = "gAMA" + data;
  chunk += typed;
  put_be32(chunk, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size())));
  std::string png = test::read_text(path);
  png.insert(8 + 25, chunk);
  test::write_text(path, png);
}

// An uncompressed 8-bit RGB TIFF, `pixel(x, y)` giving each stored pixel,
// with the profile (if any) in tag 34675 and the orientation in tag 274.
void write_tiff(const std::string& path, int w, int h, const std::function<std::array<int, 3>(int, int)>& pixel,
                const std::string& icc, int orientation = 1) {
  std::string t("II*\0", 4);
  auto u16 = [&](unsigned v) { t += static_cast<char>(v & 0xFF); t += static_cast<char>(v >> 8); };
  auto u32 = [&](unsigned v) { u16(v & 0xFFFF); u16(v >> 16); };
  const unsigned entries = icc.empty() ? 10 : 11;
  const unsigned ifd = 8, after_ifd = ifd + 2 + 12 * entries + 4;
  const unsigned bits_at = after_ifd, icc_at = bits_at + 6, data_at = icc_at + static_cast<unsigned>(icc.size());
  u32(ifd);
  u16(entries);
  auto entry = [&](unsigned tag, unsigned type, unsigned count, unsigned value) { u16(tag); u16(type); u32(count); u32(value); };
  entry(256, 4, 1, w);
  entry(257, 4, 1, h);
  entry(258, 3, 3, bits_at);
  entry(259, 3, 1, 1);      // no compression
  entry(262, 3, 1, 2);      // RGB
  entry(273, 4, 1, data_at);
  entry(274, 3, 1, static_cast<unsigned>(orientation));
  entry(277, 3, 1, 3);
  entry(278, 4, 1, h);
  entry(279, 4, 1, static_cast<unsigned>(w * h * 3));
  if (!icc.empty()) entry(34675, 7, static_cast<unsigned>(icc.size()), icc_at);
  u32(0);
  u16(8); u16(8); u16(8);
  t += icc;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c : pixel(x, y)) t += static_cast<char>(c);
  test::write_text(path, t);
}

test::RgbImage flat(int w, int h, const std::array<int, 3>& rgb) {
  test::RgbImage image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) image.set(x, y, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
  return image;
}

}  // namespace

TEST_CASE("HEIC with every container orientation lands the right way up") {
  test::TempDir dir;
  // As it should be seen: red | green over blue | white, 4:3.
  const int dw = 160, dh = 120;
  auto seen = [&](int x, int y, double* v) {
    const bool right = x >= dw / 2, bottom = y >= dh / 2;
    v[0] = (!bottom && !right) || (bottom && right) ? 1 : 0;
    v[1] = (!bottom && right) || (bottom && right) ? 1 : 0;
    v[2] = bottom ? 1 : 0;
  };
  std::vector<std::string> images;
  for (int o = 1; o <= 8; ++o) {
    // Store the pixels so that applying orientation o shows `seen`.
    const bool swap = o >= 5;
    const int sw = swap ? dh : dw, sh = swap ? dw : dh;
    const std::string name = fmt::format("o{}.heic", o);
    test::write_heif(dir / name, sw, sh, 8, false, o, false, [&](int c, int r, double* v) {
      int x = 0, y = 0;
      test::displayed_position(o, c, r, dw, dh, &x, &y);
      seen(x, y, v);
    });
    auto info = probe_image(dir / name);
    REQUIRE(info.ok());
    CHECK(info.value().format == ImageFormat::k_heif);
    CHECK(info.value().width() == dw);  // the displayed size, from the header
    CHECK(info.value().height() == dh);
    images.push_back(name);
  }
  test::YuvVideo v = render_stills(dir, images, "#336699");
  REQUIRE(v.frames.size() == 80);
  for (int o = 1; o <= 8; ++o) {
    INFO("orientation " << o);
    const size_t f = static_cast<size_t>((o - 1) * 10 + 5);
    test::check_quadrants(v, f);
  }
}

TEST_CASE("HEIC alpha, 10-bit HEIC, AVIF and 16-bit TIFF come out in their colours") {
  test::TempDir dir;
  // Left half transparent, right half a warm colour.
  test::write_heif(dir / "alpha.heic", 160, 120, 8, true, 1, false, [](int x, int, double* v) {
    v[0] = 0.9; v[1] = 0.6; v[2] = 0.2; v[3] = x < 80 ? 0.0 : 1.0;
  });
  test::write_heif(dir / "deep.heic", 160, 120, 10, false, 1, false, [](int, int, double* v) {
    v[0] = 0.25; v[1] = 0.5; v[2] = 0.75;
  });
  test::write_heif(dir / "photo.avif", 160, 120, 8, false, 1, true, [](int, int, double* v) {
    v[0] = 0.8; v[1] = 0.3; v[2] = 0.5;
  });
  test::save_image(flat(160, 120, {40, 160, 220}), dir / "deep.tif", true, "-pix_fmt rgb48le");
  REQUIRE(probe_image(dir / "photo.avif").value().format == ImageFormat::k_avif);
  REQUIRE(probe_image(dir / "deep.tif").value().format == ImageFormat::k_tiff);
  test::YuvVideo v = render_stills(dir, {"alpha.heic", "deep.heic", "photo.avif", "deep.tif"}, "#000080");
  // Alpha: the transparent half shows the background.
  test::check_colour(test::mean_ycbcr(v, 5, 110, 90, 12), 0, 0, 128, 3);
  test::check_colour(test::mean_ycbcr(v, 5, 210, 90, 12), 0.9 * 255, 0.6 * 255, 0.2 * 255, 4);
  test::check_colour(test::mean_ycbcr(v, 15, 160, 90, 20), 0.25 * 255, 0.5 * 255, 0.75 * 255, 4);
  test::check_colour(test::mean_ycbcr(v, 25, 160, 90, 20), 0.8 * 255, 0.3 * 255, 0.5 * 255, 4);
  test::check_colour(test::mean_ycbcr(v, 35, 160, 90, 20), 40, 160, 220, 2);
}

TEST_CASE("a truncated HEIC is refused up front, naming the file") {
  test::TempDir dir;
  test::write_heif(dir / "whole.heic", 160, 120, 8, false, 1, false, [](int, int, double* v) { v[0] = v[1] = v[2] = 0.5; });
  const std::string bytes = test::read_text(dir / "whole.heic");
  test::write_text(dir / "cut.heic", bytes.substr(0, bytes.size() * 2 / 3));
  auto probed = probe_image(dir / "cut.heic");
  REQUIRE_FALSE(probed.ok());
  CHECK_THAT(probed.error().message, Catch::Matchers::Contains("cut.heic") && Catch::Matchers::Contains("truncated"));
}

TEST_CASE("photos tagged with Display P3 or Adobe RGB render as LittleCMS converts them") {
  test::TempDir dir;
  cmsHPROFILE p3 = display_p3();
  cmsHPROFILE adobe = adobe_rgb();
  const std::string p3_icc = profile_bytes(p3), adobe_icc = profile_bytes(adobe);
  const std::array<int, 3> colour{200, 90, 40};  // saturated enough that the spaces differ
  test::save_image(flat(160, 120, colour), dir / "p3.jpg", false, "-q:v 1");
  embed_in_jpeg(dir / "p3.jpg", p3_icc, 300);  // in several segments
  test::save_image(flat(160, 120, colour), dir / "plain.jpg", false, "-q:v 1");
  test::save_image(flat(160, 120, colour), dir / "adobe.png", false);
  embed_in_png(dir / "adobe.png", adobe_icc);
  write_tiff(dir / "p3.tif", 160, 120, [&](int, int) { return colour; }, p3_icc);
  test::save_image(flat(160, 120, colour), dir / "p3.webp", false, "-lossless 1");
  embed_in_webp(dir / "p3.webp", p3_icc, 160, 120);
  test::save_image(flat(160, 120, colour), dir / "gamma.png", false);
  add_png_gamma(dir / "gamma.png", 1.8);  // an old Mac's gamma, sRGB primaries
  test::YuvVideo v =
      render_stills(dir, {"p3.jpg", "adobe.png", "p3.tif", "plain.jpg", "p3.webp", "gamma.png"});

  auto expect = [&](size_t frame, cmsHPROFILE profile, const std::string& file) {
    INFO(file);
    const auto srgb = lcms_to_srgb(profile, decoded_pixel(dir / file));
    test::check_colour(test::mean_ycbcr(v, frame, 160, 90, 20), srgb[0], srgb[1], srgb[2], 2);
  };
  expect(5, p3, "p3.jpg");
  expect(15, adobe, "adobe.png");
  expect(25, p3, "p3.tif");
  // The untagged twin is shown as sRGB: the same stored values, other colours.
  const auto plain = decoded_pixel(dir / "plain.jpg");
  test::check_colour(test::mean_ycbcr(v, 35, 160, 90, 20), plain[0], plain[1], plain[2], 2);
  CHECK(std::fabs(test::mean_ycbcr(v, 5, 160, 90, 20)[2] - test::mean_ycbcr(v, 35, 160, 90, 20)[2]) > 5);
  expect(45, p3, "p3.webp");
  // gAMA alone: sRGB primaries with a pure 1.8 power curve.
  const cmsCIExyY d65{0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE bt709{{0.64, 0.33, 1.0}, {0.30, 0.60, 1.0}, {0.15, 0.06, 1.0}};
  cmsToneCurve* curve = cmsBuildGamma(nullptr, 1.8);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  cmsHPROFILE gamma18 = cmsCreateRGBProfile(&d65, &bt709, curves);
  cmsFreeToneCurve(curve);
  expect(55, gamma18, "gamma.png");
  cmsCloseProfile(gamma18);
  cmsCloseProfile(p3);
  cmsCloseProfile(adobe);
}

TEST_CASE("a profile that cannot be read is a warning, and the photo is shown as sRGB") {
  test::TempDir dir;
  const std::array<int, 3> colour{200, 90, 40};
  test::save_image(flat(160, 120, colour), dir / "odd.jpg", false, "-q:v 1");
  embed_in_jpeg(dir / "odd.jpg", std::string(400, 'x'));
  std::string output;
  test::YuvVideo v = render_stills(dir, {"odd.jpg"}, "#000000", &output);
  CHECK_THAT(output, Catch::Matchers::Contains("warning: ") && Catch::Matchers::Contains("odd.jpg") &&
                         Catch::Matchers::Contains("shown as sRGB"));
  const auto stored = decoded_pixel(dir / "odd.jpg");
  test::check_colour(test::mean_ycbcr(v, 5, 160, 90, 20), stored[0], stored[1], stored[2], 2);
}

TEST_CASE("a folder show takes every format in any case and names what it leaves out") {
  test::TempDir dir;
  const std::string photos = dir / "photos";
  fs::create_directories(photos);
  test::make_photo(photos + "/a.JPG", "320x240");
  test::write_heif(photos + "/b.HEIC", 160, 120, 8, false, 1, false, [](int, int, double* v) { v[0] = v[1] = v[2] = 0.5; });
  test::save_image(flat(64, 48, {10, 20, 30}), photos + "/c.tiff", false);
  test::write_text(photos + "/notes.txt", "not a photo\n");
  test::write_text(photos + "/broken.jpg", "\xFF\xD8\xFF" + std::string(10, 'x'));
  test::write_text(photos + "/.DS_Store", "finder");
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(photos) + " -o " +
                     test::quote(dir / "out.mp4") + " --size 160x90 --seconds-per-slide 1 --report " +
                     test::quote(dir / "r.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("warning: left out notes.txt: neither a photo nor a video"));
  CHECK_THAT(r.output, Catch::Matchers::Contains("warning: left out broken.jpg: "));
  CHECK(r.output.find(".DS_Store") == std::string::npos);
  const json report = json::parse(test::read_text(dir / "r.json"));
  CHECK(report["left_out"].size() == 2);
  CHECK(report["chunks"].back()["slides"].back() == 2);  // three slides: a, b, c

  fs::remove(photos + "/a.JPG");
  fs::remove(photos + "/b.HEIC");
  fs::remove(photos + "/c.tiff");
  auto none = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(photos) + " -o " +
                        test::quote(dir / "none.mp4"));
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.output, Catch::Matchers::Contains("holds no photo or video chunkreel can use"));
}

TEST_CASE("a TIFF's orientation tag is applied, and a HEIC tagged Display P3 by nclx is converted") {
  test::TempDir dir;
  // Orientation 6: stored turned a quarter anticlockwise; shown upright.
  const int dw = 160, dh = 120;
  write_tiff(dir / "turned.tif", dh, dw, [&](int c, int r) {
    int x = 0, y = 0;
    test::displayed_position(6, c, r, dw, dh, &x, &y);
    const bool right = x >= dw / 2, bottom = y >= dh / 2;
    return std::array<int, 3>{(!bottom && !right) || (bottom && right) ? 255 : 0,
                              (!bottom && right) || (bottom && right) ? 255 : 0, bottom ? 255 : 0};
  }, "", 6);
  REQUIRE(probe_image(dir / "turned.tif").value().width() == dw);
  heif_color_profile_nclx* nclx = heif_nclx_color_profile_alloc();
  heif_nclx_color_profile_set_color_primaries(nclx, heif_color_primaries_SMPTE_EG_432_1);  // P3, D65
  nclx->transfer_characteristics = heif_transfer_characteristic_IEC_61966_2_1;
  nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_601_6;
  nclx->full_range_flag = 1;
  const std::array<int, 3> colour{200, 90, 40};
  test::write_heif(dir / "p3.heic", 160, 120, 8, false, 1, false, [&](int, int, double* v) {
    for (int c = 0; c < 3; ++c) v[c] = colour[c] / 255.0;
  }, nclx);
  heif_nclx_color_profile_free(nclx);
  test::YuvVideo v = render_stills(dir, {"turned.tif", "p3.heic"}, "#336699");
  test::check_quadrants(v, 5);
  cmsHPROFILE p3 = display_p3();
  const auto srgb = lcms_to_srgb(p3, colour);
  cmsCloseProfile(p3);
  test::check_colour(test::mean_ycbcr(v, 15, 160, 90, 20), srgb[0], srgb[1], srgb[2], 4);  // HEVC is lossy
}

// Not part of the suite (hidden): scripts/fuzz runs it to seed its corpora
// with files made as the tests above make them, into $CHUNKREEL_FUZZ_SEEDS.
TEST_CASE("fuzz seeds: photos of every format with profiles and EXIF", "[.seeds]") {
  const char* into = std::getenv("CHUNKREEL_FUZZ_SEEDS");
  REQUIRE(into);
  const std::string dir = into;
  std::filesystem::create_directories(dir);
  cmsHPROFILE p3 = display_p3();
  const std::string icc = profile_bytes(p3);
  cmsCloseProfile(p3);
  const test::RgbImage image = flat(24, 16, {200, 60, 30});
  test::save_image(image, dir + "/plain.jpg", false);
  test::save_image(image, dir + "/profile.jpg", false);
  embed_in_jpeg(dir + "/profile.jpg", icc, 400);
  test::add_exif_orientation(dir + "/profile.jpg", 6, true);
  test::save_image(image, dir + "/dated.jpg", false);
  test::add_exif_date(dir + "/dated.jpg", "2024:08:12 10:00:00", false);
  test::save_image(image, dir + "/profile.png", false);
  embed_in_png(dir + "/profile.png", icc);
  test::save_image(image, dir + "/gamma.png", false);
  add_png_gamma(dir + "/gamma.png", 1.8);
  test::save_image(image, dir + "/deep.png", true);
  test::add_exif_date(dir + "/deep.png", "2023:01:02 03:04:05", true);
  test::save_image(image, dir + "/profile.webp", false, "-lossless 1");
  embed_in_webp(dir + "/profile.webp", icc, 24, 16);
  write_tiff(dir + "/profile.tif", 8, 6, [](int, int) { return std::array<int, 3>{10, 20, 30}; }, icc, 8);
  write_tiff(dir + "/plain.tif", 8, 6, [](int, int) { return std::array<int, 3>{10, 20, 30}; }, "");
  auto pixel = [](int x, int, double* v) { v[0] = x / 24.0; v[1] = 0.5; v[2] = 0.25; };
  test::write_heif(dir + "/plain.heic", 24, 16, 8, false, 3, false, pixel);
  test::write_heif(dir + "/deep.heic", 24, 16, 10, true, 1, false, pixel);
  test::write_heif(dir + "/plain.avif", 24, 16, 8, false, 1, true, pixel);
  // The EXIF structures alone, for the EXIF target.
  test::write_text(dir + "/date_le.exif", test::exif_with_date("2024:08:12 10:00:00", true));
  test::write_text(dir + "/date_be.exif", test::exif_with_date("1999:12:31 23:59:59", false));
}

// swscale, fed a frame in slices, crashes inside sws_scale on a reduction
// of about 30 to 1 or more (FFmpeg 5.1): a phone photo in a thumbnail-sized
// show did. Such a reduction goes through in one call.
TEST_CASE("photos far larger than a tiny show render, in every format and to the right colours") {
  test::TempDir dir;
  REQUIRE(test::run("ffmpeg -v error -f lavfi -i color=c=0x3366cc:s=4032x3024 -frames:v 1 -pix_fmt rgb24 " +
                    test::quote(dir / "phone.png")).exit_code == 0);
  REQUIRE(test::run("ffmpeg -v error -i " + test::quote(dir / "phone.png") + " -q:v 2 " +
                    test::quote(dir / "phone.jpg")).exit_code == 0);
  test::make_heic_grid(dir / "phone.png", dir / "phone.heic", 8);
  REQUIRE(test::run("ffmpeg -v error -f lavfi -i color=c=0x3366cc:s=8000x6000 -frames:v 1 -pix_fmt rgb24 " +
                    test::quote(dir / "huge.png")).exit_code == 0);
  for (const auto& [size, photo] : {std::pair{"128x72", "phone.png"}, std::pair{"128x72", "phone.jpg"},
                                    std::pair{"128x72", "phone.heic"}, std::pair{"64x36", "huge.png"}}) {
    INFO(size << " from " << photo);
    const std::string w = std::string(size).substr(0, std::string(size).find('x'));
    const std::string h = std::string(size).substr(std::string(size).find('x') + 1);
    test::write_text(dir / "show.json", "{\"version\":1,\"output\":{\"width\":" + w + ",\"height\":" + h +
                                             ",\"fps\":10},\"defaults\":{\"duration\":0.5},\"slides\":[{\"image\":\"" +
                                             photo + "\"}]}");
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                       test::quote(dir / "out.mp4") + " -y --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    // The middle pixel keeps the photo's colour (0x3366cc), within coding error.
    const std::string rgb = test::run("ffmpeg -v error -i " + test::quote(dir / "out.mp4") +
                                      " -frames:v 1 -vf crop=2:2 -f rawvideo -pix_fmt rgb24 - | od -An -tu1 -N3")
                                .output;
    std::istringstream values(rgb);
    int red = 0, green = 0, blue = 0;
    values >> red >> green >> blue;
    CHECK(std::abs(red - 0x33) <= 6);
    CHECK(std::abs(green - 0x66) <= 6);
    CHECK(std::abs(blue - 0xcc) <= 6);
  }
}
