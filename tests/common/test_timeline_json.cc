#include <catch2/catch.hpp>

#include "common/chunk_job.h"
#include "common/timeline_json.h"

using namespace chunkreel;

namespace {

Expected<Timeline> parse(const std::string& text) { return parse_timeline(text, "/shows/show.json"); }

std::string error_of(const std::string& text) {
  auto t = parse(text);
  REQUIRE_FALSE(t.ok());
  return t.error().message;
}

const char* k_minimal = R"({"version": 1, "slides": [{"image": "a.jpg"}, {"image": "/abs/b.png"}]})";

}  // namespace

TEST_CASE("a minimal project takes built-in defaults") {
  auto t = parse(k_minimal);
  REQUIRE(t.ok());
  const Timeline& tl = t.value();
  CHECK(tl.output.width == 1920);
  CHECK(tl.output.height == 1080);
  CHECK(tl.output.fps == Rational{30, 1});
  CHECK(tl.output.video.preset == "veryfast");
  CHECK(tl.output.video.crf == 20);
  REQUIRE(tl.slides.size() == 2);
  CHECK(tl.slides[0].image == "/shows/a.jpg");
  CHECK(tl.slides[1].image == "/abs/b.png");
  CHECK(tl.slides[0].duration == 5.0);
  CHECK(tl.slides[0].transition.type == TransitionType::k_crossfade);
  CHECK(tl.audio.empty());
}

TEST_CASE("slides fall back to defaults field by field") {
  auto t = parse(R"({
    "version": 1,
    "output": {"width": 640, "height": 360, "fps": "30000/1001", "background": "#102030"},
    "defaults": {"duration": 3, "fit": "contain",
                 "transition": {"type": "fade-black", "duration": 0.5},
                 "motion": {"from": {"zoom": 1.1}, "to": {"zoom": 1.3, "center": [0.2, 0.8]},
                            "easing": "ease-out"}},
    "slides": [
      {"image": "a.jpg", "transition": {"duration": 0.25}},
      {"image": "b.jpg", "motion": {"easing": "linear"}, "transition": {"type": "cut"}},
      {"image": "c.jpg", "motion": "auto", "duration": 2}
    ]})");
  REQUIRE(t.ok());
  const Timeline& tl = t.value();
  CHECK(tl.output.fps == Rational{30000, 1001});
  CHECK(tl.output.background == Colour{0x10, 0x20, 0x30});
  CHECK(tl.slides[0].transition.type == TransitionType::k_fade_black);
  CHECK(tl.slides[0].transition.duration == 0.25);
  CHECK(tl.slides[0].fit == Fit::k_contain);
  CHECK(tl.slides[0].motion.from.zoom == 1.1);
  CHECK(tl.slides[0].motion.to.center_x == 0.2);
  CHECK(tl.slides[1].motion.easing == Easing::k_linear);
  CHECK(tl.slides[1].motion.to.zoom == 1.3);
  CHECK(tl.slides[1].transition.type == TransitionType::k_cut);
  CHECK(tl.slides[1].transition.duration == 0);
  CHECK(tl.slides[2].auto_motion);
  CHECK(tl.slides[2].duration == 2);
}

TEST_CASE("invalid JSON is reported with line and column") {
  CHECK(error_of("{\n  \"version\": 1,\n  \"slides\": [,]\n}") ==
        "show.json: invalid JSON at line 3, column 14");
}

TEST_CASE("numbers too large for a double are an error and not a crash") {
  // Found by scripts/fuzz: the JSON parser reports these as out of range.
  CHECK_THAT(error_of(R"({"version": 1111111111111111111111E1111111, "slides": []})"),
             Catch::Matchers::Contains("show.json: invalid JSON"));
  CHECK_FALSE(chunk_job_from_json(R"({"version": 1E99999})").ok());
}

TEST_CASE("every bad field is named by its path") {
  using Catch::Matchers::Contains;
  CHECK_THAT(error_of(R"({"slides": [{"image": "a.jpg"}]})"), Contains("version: is required"));
  CHECK_THAT(error_of(R"({"version": 2, "slides": [{"image": "a.jpg"}]})"), Contains("version: must be 1"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": []})"), Contains("slides: must be a non-empty array"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "duraton": 3}]})"),
             Contains("slides[0].duraton: unknown key 'duraton'"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "duration": "3"}]})"),
             Contains("slides[0].duration: must be a number, not a string"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "duration": 0}]})"),
             Contains("slides[0].duration: must be greater than 0"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "fit": "stretch"}]})"),
             Contains("slides[0].fit: unknown fit 'stretch'"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "transition": {"type": "spin"}}]})"),
             Contains("slides[0].transition.type: unknown transition 'spin'"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "motion": {"easing": "bounce"}}]})"),
             Contains("slides[0].motion.easing: unknown easing 'bounce'"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "motion": {"to": {"zoom": 0}}}]})"),
             Contains("slides[0].motion.to.zoom: must be greater than 0"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "motion": {"from": {"center": [1.5, 0]}}}]})"),
             Contains("slides[0].motion.from.center: must lie inside"));
  CHECK_THAT(error_of(R"({"version": 1, "output": {"width": 641}, "slides": [{"image": "a.jpg"}]})"),
             Contains("output.width: must be even"));
  CHECK_THAT(error_of(R"({"version": 1, "output": {"width": 100000}, "slides": [{"image": "a.jpg"}]})"),
             Contains("output.width: must be between 16 and 8192"));
  CHECK_THAT(error_of(R"({"version": 1, "output": {"fps": 0}, "slides": [{"image": "a.jpg"}]})"),
             Contains("output.fps"));
  CHECK_THAT(error_of(R"({"version": 1, "output": {"video": {"preset": "warp"}}, "slides": [{"image": "a.jpg"}]})"),
             Contains("output.video.preset: unknown x264 preset 'warp'"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": [{"file": "m.mp3", "volume": -1}]})"),
             Contains("audio[0].volume: must be between 0 and 10"));
  CHECK_THAT(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "extra": true})"),
             Contains("extra: unknown key 'extra'"));
}

TEST_CASE("transitions must fit inside their slides") {
  using Catch::Matchers::Contains;
  // Slide 1 (2 s) would hold 1.5 s in and 1 s out.
  std::string message = error_of(R"({"version": 1, "slides": [
      {"image": "a.jpg", "duration": 4, "transition": {"type": "crossfade", "duration": 1.5}},
      {"image": "b.jpg", "duration": 2, "transition": {"type": "crossfade", "duration": 1}},
      {"image": "c.jpg", "duration": 4}]})");
  CHECK_THAT(message, Contains("slides[1].transition.duration"));
  CHECK_THAT(message, Contains("longer than the slide"));
  // The last slide's transition is ignored, however long.
  CHECK(parse(R"({"version": 1, "slides": [{"image": "a.jpg", "duration": 1,
                  "transition": {"type": "crossfade", "duration": 9}}]})").ok());
}

TEST_CASE("a timeline survives a write and re-read") {
  auto t = parse(k_minimal);
  REQUIRE(t.ok());
  auto again = parse_timeline(timeline_to_json(t.value()), "/shows/show.json");
  REQUIRE(again.ok());
  CHECK(again.value().slides[0].image == t.value().slides[0].image);
  CHECK(again.value().output == t.value().output);
}
