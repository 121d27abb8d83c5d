// SPDX-License-Identifier: GPL-2.0-or-later
// Words on screen, judged from the rendered file: where a caption lands, how
// it fades, that it holds still while the photo moves, that title cards take
// every transition, that chunking changes no pixel, that OCR software reads
// the text back, and that folder shows caption photos by their EXIF date.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include <libheif/heif.h>

#include "common/caption.h"
#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int k_w = 320, k_h = 180;

test::CommandResult render_project(const test::TempDir& dir, const json& project, const std::string& name,
                             const std::string& flags = "--workers 1") {
  const std::string path = dir / (name + ".json");
  test::write_text(path, project.dump(1));
  return test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(path) + " -o " +
                   test::quote(dir / (name + ".mp4")) + " " + flags);
}

test::YuvVideo render_yuv(const test::TempDir& dir, const json& project, const std::string& name,
                          const std::string& flags = "--workers 1") {
  auto r = render_project(dir, project, name, flags);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return test::decode_yuv(dir / (name + ".mp4"), k_w, k_h);
}

struct InkBox {
  int x0 = k_w, y0 = k_h, x1 = -1, y1 = -1;  // inclusive
  bool empty() const { return x1 < 0; }
  double cx() const { return (x0 + x1) / 2.0; }
  double cy() const { return (y0 + y1) / 2.0; }
};

// The luma samples of frame f that differ from black (Y 16), as a box.
InkBox ink_of(const test::YuvVideo& v, size_t f) {
  InkBox b;
  for (int y = 0; y < k_h; ++y)
    for (int x = 0; x < k_w; ++x)
      if (v.y(f, x, y) > 20) {
        b.x0 = std::min(b.x0, x);
        b.y0 = std::min(b.y0, y);
        b.x1 = std::max(b.x1, x);
        b.y1 = std::max(b.y1, y);
      }
  return b;
}

json black_card(json caption, double duration = 1.0) {
  return {{"color", "#000000"}, {"duration", duration}, {"caption", std::move(caption)}};
}

}  // namespace

TEST_CASE("a caption lands where position and align put it, and nowhere else") {
  test::TempDir dir;
  // White text on a black card; em = 0.1 * 180 = 18 px, the box is the text
  // plus 0.3 em (5.4 px) each side and sits 5% (16 px, 9 px) from the edges.
  json slides = json::array({
      black_card({{"text", "Hello"}, {"size", 0.1}}),
      black_card({{"text", "Hello"}, {"size", 0.1}, {"position", "top"}, {"align", "right"}}),
      black_card({{"text", "Hello"}, {"size", 0.1}, {"position", json::array({0.25, 0.5})}, {"align", "left"}}),
      black_card({{"text", "Hello"}, {"size", 0.1}, {"position", "center"}, {"align", "left"}}),
  });
  const test::YuvVideo v = render_yuv(dir, test::lossless_project(slides, "#000000", 10), "placed");
  REQUIRE(v.frames.size() == 40);

  const InkBox bottom = ink_of(v, 5);
  CHECK(std::abs(bottom.cx() - k_w / 2.0) <= 2);
  CHECK(bottom.y1 <= k_h - 9 - 2);
  CHECK(bottom.y1 >= k_h - 9 - 18);
  CHECK(bottom.y0 >= k_h - 60);

  const InkBox top_right = ink_of(v, 15);
  CHECK(std::abs(top_right.x1 - (k_w - 16 - 5.4)) <= 3);
  CHECK(top_right.y0 >= 9);
  CHECK(top_right.y0 <= 9 + 18);

  const InkBox point_left = ink_of(v, 25);
  CHECK(std::abs(point_left.x0 - (0.25 * k_w + 5.4)) <= 3);
  CHECK(std::abs(point_left.cy() - 0.5 * k_h) <= 6);

  const InkBox center_left = ink_of(v, 35);
  CHECK(std::abs(center_left.x0 - (16 + 5.4)) <= 3);
  CHECK(std::abs(center_left.cy() - 0.5 * k_h) <= 6);

  // The same word at the same size: the same ink wherever it is.
  for (const InkBox& b : {top_right, point_left, center_left}) {
    CHECK(b.x1 - b.x0 == bottom.x1 - bottom.x0);
    CHECK(b.y1 - b.y0 == bottom.y1 - bottom.y0);
  }
  // Nothing outside the text: the ink box is one word's, and the chroma of
  // white-on-black stays neutral everywhere.
  CHECK(bottom.x1 - bottom.x0 < 70);
  CHECK(bottom.y1 - bottom.y0 < 20);
  for (int y = 0; y < k_h / 2; ++y)
    for (int x = 0; x < k_w / 2; ++x) REQUIRE(std::abs(v.u(5, x, y) - 128) <= 1);
}

TEST_CASE("a caption fades in and out over its fade, inside its start and end") {
  test::TempDir dir;
  json caption = {{"text", "FADE"}, {"size", 0.15}, {"position", "center"},
                  {"fade", 0.5}, {"start", 0.5}, {"end", 2.5}};
  const test::YuvVideo v =
      render_yuv(dir, test::lossless_project(json::array({black_card(caption, 3.0)}), "#000000", 20), "fade");
  REQUIRE(v.frames.size() == 60);
  // With the card black, a caption sample is 16 + opacity * (its own value
  // - 16): the summed ink is proportional to the opacity.
  auto ink = [&](size_t f) {
    double sum = 0;
    for (int y = 0; y < k_h; ++y)
      for (int x = 0; x < k_w; ++x) sum += v.y(f, x, y) - 16;
    return sum;
  };
  const double full = ink(30);
  REQUIRE(full > 1000);
  CaptionStyle style;
  style.fade = 0.5;
  style.start = 0.5;
  style.end = 2.5;
  for (size_t f = 0; f < v.frames.size(); ++f) {
    const double expected = caption_opacity(style, f / 20.0, 3.0);
    INFO("frame " << f << " expected " << expected << " measured " << ink(f) / full);
    CHECK(std::abs(ink(f) / full - expected) < 0.02);
  }
  CHECK(ink(9) == 0);    // 0.45 s: not started
  CHECK(ink(50) == 0);   // 2.5 s: ended
  CHECK(ink(12) < ink(15));  // rising
  CHECK(ink(45) < ink(42));  // falling
}

TEST_CASE("a caption stays still while the photo under it pans and zooms") {
  test::TempDir dir;
  test::make_photo(dir / "photo.png", "800x500");
  json slide = {{"image", dir / "photo.png"},
                {"duration", 2.0},
                {"motion", {{"from", {{"zoom", 1.0}, {"center", {0.3, 0.4}}}},
                            {"to", {{"zoom", 1.6}, {"center", {0.7, 0.6}}}}}},
                {"caption", {{"text", "STILL"}, {"size", 0.1}, {"position", "center"},
                             {"background", "#000000ff"}, {"outline", true}}}};
  const test::YuvVideo v = render_yuv(dir, test::lossless_project(json::array({slide}), "#000000", 10), "still");
  REQUIRE(v.frames.size() == 20);
  // Inside the opaque box, every sample is the same in every frame.
  int text_samples = 0;
  for (size_t f = 1; f < v.frames.size(); ++f)
    for (int y = 84; y < 96; ++y)
      for (int x = 140; x < 180; ++x) {
        REQUIRE(v.y(f, x, y) == v.y(0, x, y));
        REQUIRE(v.u(f, x / 2, y / 2) == v.u(0, x / 2, y / 2));
        if (f == 1 && v.y(0, x, y) > 200) ++text_samples;
      }
  CHECK(text_samples > 20);
  // Outside it, the photo moves.
  int moved = 0;
  for (int y = 10; y < 60; ++y)
    for (int x = 10; x < 100; ++x) moved += v.y(19, x, y) != v.y(0, x, y);
  CHECK(moved > 1000);
}

TEST_CASE("title cards take part in every transition type, captions and all") {
  test::TempDir dir;
  const std::vector<std::string> types = {"crossfade",  "fade-black", "wipe-left",
                                          "wipe-right", "wipe-up",    "wipe-down",
                                          "slide-left", "slide-right", "cut"};
  json slides = json::array();
  for (size_t i = 0; i <= types.size(); ++i) {
    json card = {{"color", i % 2 ? "#2040c0" : "#c02020"},
                 {"duration", 1.5},
                 {"caption", {{"text", "Card " + std::to_string(i)}, {"size", 0.1}}}};
    if (i < types.size()) card["transition"] = {{"type", types[i]}, {"duration", 0.5}};
    slides.push_back(card);
  }
  const test::YuvVideo v = render_yuv(dir, test::lossless_project(slides, "#000000", 10), "cards");
  // Cards last 1.5 s; transition i (0.5 s) runs from i + 1 s, so each card
  // shows alone for 0.5 s between its transitions.
  auto red_like = [&](size_t f, int x, int y) { return v.v(f, x / 2, y / 2) > 170; };
  auto blue_like = [&](size_t f, int x, int y) { return v.u(f, x / 2, y / 2) > 170; };
  for (size_t i = 0; i + 1 < types.size(); ++i) {
    INFO(types[i]);
    const size_t start = 10 * (i + 1);
    const size_t before = start - 1, middle = start + 2, after = start + 5;
    const bool from_red = i % 2 == 0;
    auto from = [&](size_t f, int x, int y) { return from_red ? red_like(f, x, y) : blue_like(f, x, y); };
    auto to = [&](size_t f, int x, int y) { return from_red ? blue_like(f, x, y) : red_like(f, x, y); };
    CHECK(from(before, 40, 40));
    CHECK(to(after, 40, 40));
    CHECK(to(after, 280, 40));
    // Halfway, the frame is neither card alone.
    double difference_before = 0, difference_after = 0;
    for (int y = 0; y < k_h; y += 2)
      for (int x = 0; x < k_w; x += 2) {
        difference_before += std::abs(v.y(middle, x, y) - v.y(before, x, y)) +
                             std::abs(v.u(middle, x / 2, y / 2) - v.u(before, x / 2, y / 2));
        difference_after += std::abs(v.y(middle, x, y) - v.y(after, x, y)) +
                            std::abs(v.u(middle, x / 2, y / 2) - v.u(after, x / 2, y / 2));
      }
    CHECK(difference_before > 1000);
    CHECK(difference_after > 1000);
  }
  // The cut, at 8 x 1.0 + 1.5 s: one frame the old card, the next the new one.
  const size_t cut = 95;
  CHECK(red_like(cut - 1, 40, 40));
  CHECK(blue_like(cut, 40, 40));
}

TEST_CASE("a lossless render with captions is identical however it is chunked") {
  test::TempDir dir;
  test::make_photo(dir / "a.png", "640x400");
  test::make_photo(dir / "b.jpg", "500x500", "-q:v 2");
  json slides = json::array({
      {{"color", "#102030"}, {"duration", 1.0}, {"caption", {{"text", "Title\nsecond line"}, {"size", 0.12}, {"weight", "bold"}, {"position", "center"}, {"fade", 0.3}}}},
      {{"image", dir / "a.png"}, {"duration", 1.2},
       {"motion", {{"from", {{"zoom", 1.0}}}, {"to", {{"zoom", 1.3}}}}},
       {"caption", {{"text", "Ken Burns under words"}, {"shadow", true}, {"fade", 0.4}, {"background", "#00000080"}}}},
      {{"image", dir / "b.jpg"}, {"duration", 1.2},
       {"caption", {{"text", "مرحبا بالعالم"}, {"position", json::array({0.9, 0.2})}, {"align", "right"}, {"outline", true}}}},
  });
  json project = test::lossless_project(slides, "#000000", 12);
  project["defaults"]["transition"] = {{"type", "crossfade"}, {"duration", 0.4}};
  render_yuv(dir, project, "one", "--workers 1 --chunk-seconds 1000");
  render_yuv(dir, project, "many", "--workers 2 --chunk-seconds 0.3");
  const std::vector<std::string> one = test::frame_md5s(dir / "one.mp4");
  const std::vector<std::string> many = test::frame_md5s(dir / "many.mp4");
  REQUIRE(one.size() == 31);  // 2.6 s at 12 fps
  CHECK(one == many);
}

TEST_CASE("OCR software reads a caption back as written") {
  test::TempDir dir;
  json project = test::lossless_project(
      json::array({black_card({{"text", "Summer in Lisbon 2024"}, {"size", 0.09}, {"position", "center"}})}),
      "#000000", 10);
  project["output"]["width"] = 640;
  project["output"]["height"] = 360;
  auto r = render_project(dir, project, "ocr");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE(test::run("ffmpeg -v error -y -i " + test::quote(dir / "ocr.mp4") +
                    " -vf 'select=eq(n\\,5)' -frames:v 1 " + test::quote(dir / "frame.png"))
              .exit_code == 0);
  auto ocr = test::run("tesseract " + test::quote(dir / "frame.png") + " - 2>/dev/null");
  REQUIRE(ocr.exit_code == 0);
  std::string text = ocr.output;
  text.erase(std::remove(text.begin(), text.end(), '\n'), text.end());
  INFO(text);
  CHECK(text.find("Summer in Lisbon 2024") != std::string::npos);
}

TEST_CASE("a folder show captions photos by their EXIF date and starts with a title card") {
  test::TempDir dir;
  const std::string photos = dir / "photos";
  fs::create_directories(photos);
  test::make_photo(photos + "/1.jpg", "400x300", "-q:v 3");
  test::add_exif_date(photos + "/1.jpg", "2024:08:12 09:30:00", true);
  test::make_photo(photos + "/2.jpg", "400x300", "-q:v 3");  // no date
  test::make_photo(photos + "/3.png", "400x300");
  test::add_exif_date(photos + "/3.png", "2023:01:05 18:00:00", false);
  {  // 4.heic: a phone's photo, its date in the Exif item
    heif_context* ctx = heif_context_alloc();
    heif_encoder* encoder = nullptr;
    REQUIRE(heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &encoder).code == heif_error_Ok);
    heif_image* image = nullptr;
    REQUIRE(heif_image_create(64, 64, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image).code == heif_error_Ok);
    REQUIRE(heif_image_add_plane(image, heif_channel_interleaved, 64, 64, 8).code == heif_error_Ok);
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64 * 3; ++x) plane[y * stride + x] = static_cast<uint8_t>(x + y);
    heif_image_handle* handle = nullptr;
    REQUIRE(heif_context_encode_image(ctx, image, encoder, nullptr, &handle).code == heif_error_Ok);
    const std::string exif = test::exif_with_date("2022:12:31 23:59:00", true);
    REQUIRE(heif_context_add_exif_metadata(ctx, handle, exif.data(), static_cast<int>(exif.size())).code ==
            heif_error_Ok);
    REQUIRE(heif_context_write_to_file(ctx, (photos + "/4.heic").c_str()).code == heif_error_Ok);
    heif_image_handle_release(handle);
    heif_image_release(image);
    heif_encoder_release(encoder);
    heif_context_free(ctx);
  }
  auto r = test::run(test::quote(test::chunkreel_path()) + " init " + test::quote(photos) + " -o " +
                     test::quote(dir / "show.json") +
                     " --captions date --title 'Our year' --size 320x180 --seconds-per-slide 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json show = json::parse(test::read_text(dir / "show.json"));
  const json& slides = show["slides"];
  REQUIRE(slides.size() == 5);
  CHECK(slides[0].contains("color"));
  CHECK(slides[0]["caption"]["text"] == "Our year");
  CHECK(slides[1]["caption"]["text"] == "12 August 2024");
  CHECK_FALSE(slides[2].contains("caption"));
  CHECK(slides[3]["caption"]["text"] == "5 January 2023");
  CHECK(slides[4]["caption"]["text"] == "31 December 2022");

  // --captions name: the file name without its extension.
  r = test::run(test::quote(test::chunkreel_path()) + " init " + test::quote(photos) + " -o " +
                test::quote(dir / "named.json") + " --captions name");
  REQUIRE(r.exit_code == 0);
  const json named = json::parse(test::read_text(dir / "named.json"));
  CHECK(named["slides"][1]["caption"]["text"] == "2");

  // And the show renders.
  r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                test::quote(dir / "show.mp4"));
  INFO(r.output);
  CHECK(r.exit_code == 0);
}

TEST_CASE("bad captions are refused before any work, naming the field") {
  test::TempDir dir;
  struct Case {
    json slide;
    std::string field;
  };
  const std::vector<Case> cases = {
      {black_card({{"text", "x"}, {"font", "No Such Family Anywhere"}}), "slides[0].caption.font"},
      {black_card({{"text", "  "}}), "slides[0].caption.text"},
      {black_card({{"text", "x"}, {"size", 0}}), "slides[0].caption.size"},
      {black_card({{"text", "x"}, {"size", -0.1}}), "slides[0].caption.size"},
      {black_card({{"text", "x"}, {"position", json::array({1.2, 0.5})}}), "slides[0].caption.position"},
      {black_card({{"text", "far too long a caption to fit at this size"}, {"size", 0.6}}), "slides[0].caption"},
      {black_card({{"text", "x"}, {"position", json::array({0.99, 0.5})}, {"align", "left"}}), "slides[0].caption"},
      {black_card({{"text", "x"}, {"color", "white"}}), "slides[0].caption.color"},
      {black_card({{"text", "x"}, {"end", 2.0}}), "slides[0].caption.end"},
      {black_card({{"text", "x"}, {"colour", "#ffffff"}}), "slides[0].caption.colour"},
      {{{"color", "#000000"}, {"image", "a.jpg"}}, "slides[0].color"},
      {{{"color", "#00000"}}, "slides[0].color"},
  };
  for (const Case& c : cases) {
    auto r = render_project(dir, test::lossless_project(json::array({c.slide}), "#000000", 10), "bad");
    INFO(c.slide.dump() << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.field) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad.mp4"));
  }
}

TEST_CASE("folder options on a project file are refused, not ignored") {
  test::TempDir dir;
  const std::string path = dir / "show.json";
  test::write_text(path, test::lossless_project(json::array({black_card("x")}), "#000000", 10).dump());
  for (const char* flags : {"--captions date", "--title Hello", "--music a.mp3"}) {
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(path) + " -o " +
                       test::quote(dir / "out.mp4") + " " + flags);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("is for a folder of photos") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.mp4"));
  }
}

TEST_CASE("in a crossfade each caption fades with its own slide") {
  test::TempDir dir;
  json slides = json::array({black_card({{"text", "AAAA"}, {"size", 0.12}, {"position", "top"}}, 2.0),
                             black_card({{"text", "BBBB"}, {"size", 0.12}, {"position", "bottom"}}, 2.0)});
  slides[0]["transition"] = {{"type", "crossfade"}, {"duration", 1.0}};
  const test::YuvVideo v = render_yuv(dir, test::lossless_project(slides, "#000000", 10), "mixed");
  REQUIRE(v.frames.size() == 30);  // the crossfade is 1.0-2.0 s, frames 10-19
  // Ink above and below the middle: the outgoing slide's caption and the
  // incoming one's.
  auto ink = [&](size_t f, bool top) {
    double sum = 0;
    for (int y = top ? 0 : k_h / 2; y < (top ? k_h / 2 : k_h); ++y)
      for (int x = 0; x < k_w; ++x) sum += v.y(f, x, y) - 16;
    return sum;
  };
  const double outgoing_full = ink(5, true), incoming_full = ink(25, false);
  REQUIRE(outgoing_full > 1000);
  REQUIRE(incoming_full > 1000);
  CHECK(ink(5, false) == 0);
  CHECK(ink(25, true) == 0);
  // Halfway through, each caption is at the weight of its slide in the
  // mix, and the two weights add up to one.
  const double outgoing = ink(15, true) / outgoing_full, incoming = ink(15, false) / incoming_full;
  CHECK(outgoing > 0.2);
  CHECK(outgoing < 0.8);
  CHECK(incoming > 0.2);
  CHECK(incoming < 0.8);
  CHECK(std::abs(outgoing + incoming - 1.0) < 0.05);
  CHECK(ink(12, true) / outgoing_full > ink(17, true) / outgoing_full);  // fading out
}

TEST_CASE("a font that only matches a substitute renders, with a one-line warning naming it") {
  test::TempDir dir;
  auto r = render_project(dir, test::lossless_project(json::array({black_card({{"text", "x"}, {"font", "Helvetica"}})}),
                                                      "#000000", 10),
                          "substitute");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("warning: slides[0].caption: font family 'Helvetica' is not installed; using '") !=
        std::string::npos);
}
