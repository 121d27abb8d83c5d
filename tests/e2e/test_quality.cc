// SPDX-License-Identifier: GPL-2.0-or-later
// Render quality, measured on lossless renders through the real pipeline:
// sub-pixel smoothness of pans and zooms, colour, EXIF orientation, fit
// modes, aliasing and the many ways an image file can encode its pixels.

#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include <fmt/format.h>

#include "tests/test_support.h"
#include "worker/colour_convert.h"

using namespace chunkreel;
using nlohmann::json;

namespace {

constexpr int k_w = 320;
constexpr int k_h = 180;

json project_with(json slides, const std::string& background = "#000000") {
  return test::lossless_project(std::move(slides), background, 30);
}

test::YuvVideo render_project(const test::TempDir& dir, const json& project,
                              const std::string& flags = "--workers 2 --chunk-seconds 1") {
  test::write_text(dir / "show.json", project.dump(2));
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " +
                     test::quote(dir / "show.json") + " -o " + test::quote(dir / "out.mp4") +
                     " --quiet " + flags);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return test::decode_yuv(dir / "out.mp4", k_w, k_h);
}

double gaussian(double dx, double dy, double sigma) {
  return std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
}

// Luma-weighted centroid of the bright blob nearest (x0, y0), over a box of
// +-radius, with the flat grey level subtracted.
std::pair<double, double> centroid(const test::YuvVideo& v, size_t f, double x0, double y0,
                                   int radius, double flat) {
  double sum = 0, sx = 0, sy = 0;
  for (int y = int(y0) - radius; y <= int(y0) + radius; ++y) {
    for (int x = int(x0) - radius; x <= int(x0) + radius; ++x) {
      if (x < 0 || y < 0 || x >= v.width || y >= v.height) continue;
      double w = v.y(f, x, y) - flat;
      sum += w;
      sx += w * x;
      sy += w * y;
    }
  }
  return {sx / sum, sy / sum};
}

// RMS distance of samples from their least-squares line.
double line_fit_rms(const std::vector<double>& t, const std::vector<double>& value) {
  const double n = double(t.size());
  const double mt = std::accumulate(t.begin(), t.end(), 0.0) / n;
  const double mv = std::accumulate(value.begin(), value.end(), 0.0) / n;
  double stt = 0, stv = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    stt += (t[i] - mt) * (t[i] - mt);
    stv += (t[i] - mt) * (value[i] - mv);
  }
  const double slope = stv / stt;
  double ss = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    double r = value[i] - (mv + slope * (t[i] - mt));
    ss += r * r;
  }
  return std::sqrt(ss / n);
}

// Mean Y, Cb, Cr over a box of the frame.
}  // namespace

TEST_CASE("a pan follows a straight line to a small fraction of a pixel") {
  test::TempDir dir;
  test::RgbImage blob(1200, 675);
  for (int y = 0; y < blob.height; ++y)
    for (int x = 0; x < blob.width; ++x) {
      double v = 0.35 + 0.5 * gaussian(x - 600, y - 337.5, 18);
      blob.set(x, y, v, v, v);
    }
  test::save_image(blob, dir / "blob.png");
  json slide = {{"image", "blob.png"},
                {"duration", 3.0},
                {"motion",
                 {{"from", {{"zoom", 2.0}, {"center", {0.42, 0.47}}}},
                  {"to", {{"zoom", 2.0}, {"center", {0.58, 0.53}}}}}}};
  test::YuvVideo v = render_project(dir, project_with({slide}));
  REQUIRE(v.frames.size() == 90);
  const double flat = 16 + 219 * 0.35;
  std::vector<double> t, xs, ys;
  for (size_t f = 0; f < v.frames.size(); ++f) {
    // Where the blob should be, roughly: the window slides right and down.
    double p = f / 90.0;
    double x0 = 160 - (0.16 * p - 0.08) * 1200 * (320.0 / 600);
    double y0 = 90 - (0.06 * p - 0.03) * 675 * (320.0 / 600);
    auto [x, y] = centroid(v, f, x0, y0, 30, flat);
    t.push_back(f);
    xs.push_back(x);
    ys.push_back(y);
  }
  const double rms_x = line_fit_rms(t, xs);
  const double rms_y = line_fit_rms(t, ys);
  WARN("pan jitter: x " << rms_x << " px RMS, y " << rms_y << " px RMS");
  CHECK(xs.front() - xs.back() > 50);  // it really moved
  CHECK(rms_x <= 0.02);
  CHECK(rms_y <= 0.02);
}

TEST_CASE("a zoom scales by the same factor every frame") {
  test::TempDir dir;
  test::RgbImage blobs(1200, 675);
  for (int y = 0; y < blobs.height; ++y)
    for (int x = 0; x < blobs.width; ++x) {
      double v = 0.35 + 0.5 * gaussian(x - 450, y - 337.5, 14) + 0.5 * gaussian(x - 750, y - 337.5, 14);
      blobs.set(x, y, v, v, v);
    }
  test::save_image(blobs, dir / "blobs.png");
  json slide = {{"image", "blobs.png"},
                {"duration", 3.0},
                {"motion", {{"from", {{"zoom", 1.0}}}, {"to", {{"zoom", 1.5}}}}}};
  test::YuvVideo v = render_project(dir, project_with({slide}));
  REQUIRE(v.frames.size() == 90);
  const double flat = 16 + 219 * 0.35;
  std::vector<double> t, log_spacing;
  for (size_t f = 0; f < v.frames.size(); ++f) {
    double zoom = std::pow(1.5, f / 90.0);
    double half = 150 * zoom * (320.0 / 1200);
    auto left = centroid(v, f, 160 - half, 90, 20, flat);
    auto right = centroid(v, f, 160 + half, 90, 20, flat);
    t.push_back(f);
    log_spacing.push_back(std::log(right.first - left.first));
  }
  const double rms = line_fit_rms(t, log_spacing);
  WARN("zoom path: " << rms << " RMS in log(spacing)");
  CHECK(log_spacing.back() - log_spacing.front() == Approx(std::log(1.5) * 89 / 90).margin(0.01));
  CHECK(rms <= 0.001);
}

TEST_CASE("solid colours come out within 2 levels of BT.709 limited range and tagged") {
  test::TempDir dir;
  const double patches[6][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255},
                                {128, 128, 128}, {230, 200, 40}, {12, 10, 14}};
  test::RgbImage image(960, 540);
  for (int y = 0; y < 540; ++y)
    for (int x = 0; x < 960; ++x) {
      const double* c = patches[(y / 270) * 3 + x / 320];
      image.set(x, y, c[0] / 255, c[1] / 255, c[2] / 255);
    }
  test::save_image(image, dir / "patches.png", false);
  test::YuvVideo v = render_project(dir, project_with({{{"image", "patches.png"}}}));
  for (int i = 0; i < 6; ++i) {
    int cx = (i % 3) * 320 / 3 + 53;
    int cy = (i / 3) * 90 + 44;
    test::check_colour(test::mean_ycbcr(v, 10, cx, cy, 16), patches[i][0], patches[i][1], patches[i][2], 2.0);
  }
  std::string tags = test::ffprobe("-select_streams v:0 -show_entries stream=color_space,color_primaries,color_transfer,color_range,chroma_location -of default=nw=1", dir / "out.mp4");
  CHECK_THAT(tags, Catch::Matchers::Contains("color_space=bt709"));
  CHECK_THAT(tags, Catch::Matchers::Contains("color_primaries=bt709"));
  CHECK_THAT(tags, Catch::Matchers::Contains("color_transfer=bt709"));
  CHECK_THAT(tags, Catch::Matchers::Contains("color_range=tv"));
  CHECK_THAT(tags, Catch::Matchers::Contains("chroma_location=left"));
}

TEST_CASE("every EXIF orientation lands the right way up contained on the background") {
  test::TempDir dir;
  // The picture as it should be seen: red | green over blue | white, 4:3.
  const int dw = 160, dh = 120;
  auto seen = [&](int x, int y) -> std::array<double, 3> {
    bool right = x >= dw / 2, bottom = y >= dh / 2;
    if (!bottom) return right ? std::array<double, 3>{0, 1, 0} : std::array<double, 3>{1, 0, 0};
    return right ? std::array<double, 3>{1, 1, 1} : std::array<double, 3>{0, 0, 1};
  };
  json slides = json::array();
  for (int o = 1; o <= 8; ++o) {
    // Store the pixels as a camera would for orientation o (EXIF's meaning
    // of the stored 0th row and 0th column).
    const bool swap = o >= 5;
    test::RgbImage stored(swap ? dh : dw, swap ? dw : dh);
    for (int r = 0; r < stored.height; ++r)
      for (int c = 0; c < stored.width; ++c) {
        int x = 0, y = 0;
        test::displayed_position(o, c, r, dw, dh, &x, &y);
        auto rgb = seen(x, y);
        stored.set(c, r, rgb[0], rgb[1], rgb[2]);
      }
    const std::string name = fmt::format("o{}.jpg", o);
    test::save_image(stored, dir / name, false, "-q:v 2");
    test::add_exif_orientation(dir / name, o, o % 2 == 0);
    slides.push_back({{"image", name}, {"fit", "contain"}, {"duration", 0.5}});
  }
  test::YuvVideo v = render_project(dir, project_with(slides, "#336699"));
  REQUIRE(v.frames.size() == 120);
  for (int o = 1; o <= 8; ++o) {
    INFO("orientation " << o);
    size_t f = static_cast<size_t>((o - 1) * 15 + 7);
    test::check_quadrants(v, f);
    // Bars in the background colour, both sides.
    test::check_colour(test::mean_ycbcr(v, f, 18, 90, 12), 0x33, 0x66, 0x99, 2);
    test::check_colour(test::mean_ycbcr(v, f, 302, 90, 12), 0x33, 0x66, 0x99, 2);
  }
}

TEST_CASE("contain-blur fills the bars with a blurred and darker copy of the picture") {
  test::TempDir dir;
  test::RgbImage portrait(300, 400);
  for (int y = 0; y < 400; ++y)
    for (int x = 0; x < 300; ++x) portrait.set(x, y, 0.9, 0.8, 0.2);
  test::save_image(portrait, dir / "p.png", false);
  test::YuvVideo v = render_project(
      dir, project_with({{{"image", "p.png"}, {"fit", "contain-blur"}}}, "#000000"));
  auto inside = test::mean_ycbcr(v, 10, 160, 90, 20);
  auto bar = test::mean_ycbcr(v, 10, 20, 90, 12);
  test::check_colour(inside, 0.9 * 255, 0.8 * 255, 0.2 * 255, 2);
  // The bar shows the same hue, darker: not the black background.
  CHECK(bar[0] > 40);
  CHECK(bar[0] < inside[0] - 40);
  CHECK(bar[2] > 128);  // still warm (Cr above neutral)
}

TEST_CASE("a fine zone plate downscales without aliasing") {
  test::TempDir dir;
  // Rings whose frequency rises to near the source's Nyquist limit at the
  // corners: anything above the output's Nyquist must vanish, not fold back.
  const int sw = 2400, sh = 1350;
  const double k = M_PI / (2.0 * std::hypot(sw / 2.0, sh / 2.0)) * 0.9;
  test::RgbImage plate(sw, sh);
  for (int y = 0; y < sh; ++y)
    for (int x = 0; x < sw; ++x) {
      double dx = x - sw / 2.0, dy = y - sh / 2.0;
      double v = 0.5 + 0.4 * std::cos(k * (dx * dx + dy * dy));
      plate.set(x, y, v, v, v);
    }
  test::save_image(plate, dir / "plate.png", false);
  test::YuvVideo v = render_project(dir, project_with({{{"image", "plate.png"}}}));
  // Offline references: a careful Lanczos reduction, and point sampling
  // (what a renderer that ignores aliasing shows).
  auto reference = [&](const char* flags) {
    auto r = test::run("ffmpeg -v error -i " + test::quote(dir / "plate.png") +
                       " -vf scale=320:180:flags=" + flags + " -pix_fmt gray -f rawvideo -");
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.output.size() == size_t(k_w) * k_h);
    return r.output;
  };
  const std::string lanczos = reference("lanczos+accurate_rnd+full_chroma_int");
  const std::string nearest = reference("neighbor");
  double ours = 0, naive = 0;
  for (int y = 0; y < k_h; ++y)
    for (int x = 0; x < k_w; ++x) {
      const double ref = static_cast<uint8_t>(lanczos[y * k_w + x]);
      const double mine = (v.y(10, x, y) - 16) * 255.0 / 219;
      ours += (mine - ref) * (mine - ref);
      const double point = static_cast<uint8_t>(nearest[y * k_w + x]);
      naive += (point - ref) * (point - ref);
    }
  ours = std::sqrt(ours / (k_w * k_h));
  naive = std::sqrt(naive / (k_w * k_h));
  WARN("zone plate: RMS difference from a Lanczos reference " << ours
       << " levels; point sampling " << naive);
  // Point sampling aliases the outer rings into large false patterns; ours
  // must stay within a few levels of the careful reduction everywhere on
  // average, an order of magnitude closer than the aliased render.
  CHECK(ours < 0.1 * naive);
  CHECK(ours < 4.0);
}

TEST_CASE("grey and palette and 16-bit and alpha pictures and full-range JPEG convert correctly") {
  test::TempDir dir;
  struct Case {
    std::string name;
    std::string make;  // ffmpeg lavfi source and output options
    double r, g, b;    // what the frame should show (8-bit)
  };
  // The background is #204060; half-transparent pixels mix with it.
  const std::vector<Case> cases = {
      {"grey.png", "color=c=0x999999:s=64x36 -pix_fmt gray", 0x99, 0x99, 0x99},
      {"palette.png", "color=c=0xC86432:s=64x36 -pix_fmt pal8", 0xC8, 0x64, 0x32},
      {"deep.png", "color=c=0xC86432:s=64x36 -pix_fmt rgb48be", 0xC8, 0x64, 0x32},
      {"alpha.png", "color=c=0xC86432@0.5:s=64x36,format=rgba -pix_fmt rgba",
       0xC8 * 0.502 + 0x20 * 0.498, 0x64 * 0.502 + 0x40 * 0.498, 0x32 * 0.502 + 0x60 * 0.498},
      {"alpha.webp", "color=c=0xC86432@0.5:s=64x36,format=rgba -c:v libwebp -lossless 1",
       0xC8 * 0.502 + 0x20 * 0.498, 0x64 * 0.502 + 0x40 * 0.498, 0x32 * 0.502 + 0x60 * 0.498},
      {"full.jpg", "color=c=0xC86432:s=64x36 -pix_fmt yuvj444p -q:v 1", 0xC8, 0x64, 0x32},
  };
  json slides = json::array();
  for (const Case& c : cases) {
    auto space = c.make.find(' ');
    auto r = test::run("ffmpeg -v error -f lavfi -i " + c.make.substr(0, space) + " -frames:v 1 " +
                       c.make.substr(space + 1) + " " + test::quote(dir / c.name));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    slides.push_back({{"image", c.name}, {"duration", 0.5}});
  }
  test::YuvVideo v = render_project(dir, project_with(slides, "#204060"));
  REQUIRE(v.frames.size() == 15 * cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    test::check_colour(test::mean_ycbcr(v, i * 15 + 7, 160, 90, 24), cases[i].r, cases[i].g, cases[i].b, 2.0);
  }
}

// Y'CbCr photos (JPEG full range, lossy WebP limited range) keep their
// levels: a flat grey's code must land on BT.709's, white included. (An
// earlier loader read swscale's RGBA64 of full-range Y'CbCr, whose white is
// 65280 rather than 65535, and showed a JPEG's 240 grey 1.1 levels dark.)
TEST_CASE("flat greys in JPEG and lossy WebP keep their levels") {
  test::TempDir dir;
  struct Case {
    std::string name, options;
    int grey;
  };
  const std::vector<Case> cases = {
      {"g16.jpg", "-pix_fmt yuvj420p -q:v 1", 16},     {"g128.jpg", "-pix_fmt yuvj420p -q:v 1", 128},
      {"g240.jpg", "-pix_fmt yuvj420p -q:v 1", 240},   {"g255.jpg", "-pix_fmt yuvj444p -q:v 1", 255},
      {"g200.webp", "-c:v libwebp -quality 100", 200}, {"g60.webp", "-c:v libwebp -quality 100", 60},
  };
  json slides = json::array();
  for (const Case& c : cases) {
    char colour[16];
    std::snprintf(colour, sizeof colour, "0x%02X%02X%02X", c.grey, c.grey, c.grey);
    auto r = test::run("ffmpeg -v error -f lavfi -i color=c=" + std::string(colour) + ":s=640x360 -frames:v 1 " +
                       c.options + " " + test::quote(dir / c.name));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    slides.push_back({{"image", c.name}, {"duration", 0.5}, {"transition", {{"type", "cut"}}}});
  }
  test::YuvVideo v = render_project(dir, project_with(slides));
  REQUIRE(v.frames.size() == 15 * cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    // The files' own codes differ from the grey by JPEG's and WebP's
    // rounding (at most half a code), which 0.6 levels allows for.
    test::check_colour(test::mean_ycbcr(v, i * 15 + 7, 160, 90, 24), cases[i].grey, cases[i].grey, cases[i].grey, 0.6);
  }
}
