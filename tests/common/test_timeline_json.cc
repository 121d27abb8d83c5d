// SPDX-License-Identifier: GPL-2.0-or-later
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
             Contains("slides[0].motion.to.zoom: must be from 0.1 to 64"));
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

TEST_CASE("captions default from defaults.caption field by field") {
  auto t = parse(R"({"version": 1,
    "defaults": {"duration": 4, "caption": {"font": "DejaVu Serif", "size": 0.08, "color": "#ffcc0080",
                                            "shadow": {"offset": 0.1}, "outline": true}},
    "slides": [
      {"image": "a.jpg", "caption": {"text": "Lisbon\nAugust", "position": [0.2, 0.8], "align": "left", "fade": 0.5, "end": 3}},
      {"image": "b.jpg", "caption": "Porto"},
      {"image": "c.jpg"},
      {"color": "#102030", "caption": {"text": "The end", "weight": "bold", "outline": false, "background": "#000000"}}
    ]})");
  REQUIRE(t.ok());
  const auto& s = t.value().slides;
  REQUIRE(s[0].caption);
  const Caption& a = *s[0].caption;
  CHECK(a.text == "Lisbon\nAugust");
  CHECK(a.font == "DejaVu Serif");
  CHECK(a.size == 0.08);
  CHECK(a.style.color == Rgba{0xff, 0xcc, 0x00, 0x80});
  CHECK(a.place == CaptionPlace::k_point);
  CHECK(a.x == 0.2);
  CHECK(a.y == 0.8);
  CHECK(a.align == TextAlign::k_left);
  CHECK(a.style.shadow.enabled);
  CHECK(a.style.shadow.offset == 0.1);
  CHECK(a.style.shadow.blur == CaptionShadow{}.blur);
  CHECK(a.style.outline.enabled);
  CHECK(a.style.fade == 0.5);
  CHECK(a.style.end == 3);
  REQUIRE(s[1].caption);
  CHECK(s[1].caption->text == "Porto");
  CHECK(s[1].caption->font == "DejaVu Serif");
  CHECK(s[1].caption->place == CaptionPlace::k_bottom);
  CHECK_FALSE(s[2].caption);  // defaults give style, never text
  CHECK(s[3].image.empty());
  REQUIRE(s[3].card);
  CHECK(*s[3].card == Colour{0x10, 0x20, 0x30});
  CHECK(s[3].caption->weight == FontWeight::k_bold);
  CHECK_FALSE(s[3].caption->style.outline.enabled);
  CHECK(s[3].caption->style.background == Rgba{0, 0, 0, 255});

  // Written and read again, nothing changes.
  auto again = parse_timeline(timeline_to_json(t.value()), "/shows/show.json");
  REQUIRE(again.ok());
  for (size_t i = 0; i < s.size(); ++i) {
    CHECK(again.value().slides[i].caption == s[i].caption);
    CHECK(again.value().slides[i].card == s[i].card);
  }
}

TEST_CASE("bad caption and card fields are named by their path") {
  auto bad = [](const std::string& slide) {
    return error_of(R"({"version": 1, "slides": [)" + slide + "]}");
  };
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": ""}})").find("slides[0].caption.text: must not be empty") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"font": "x"}})").find("slides[0].caption.text: is required") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": ""})").find("slides[0].caption: must not be empty") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "size": 0}})").find("slides[0].caption.size") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "size": 1.5}})").find("slides[0].caption.size") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "position": "middle"}})").find("slides[0].caption.position") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "position": [0.5, -0.1]}})").find("outside the frame") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "align": "justify"}})").find("slides[0].caption.align") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "color": "#fff"}})").find("slides[0].caption.color") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "background": "#0000007"}})").find("slides[0].caption.background") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "outline": {"width": 0}}})").find("slides[0].caption.outline.width") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "shadow": {"colour": "#000000"}}})").find("slides[0].caption.shadow.colour") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "start": 2, "end": 1}})").find("slides[0].caption.end: must be later than start") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "duration": 3, "caption": {"text": "x", "start": 3}})").find("slides[0].caption.start") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "duration": 3, "caption": {"text": "x", "end": 3.5}})").find("slides[0].caption.end: is 3.5 s, after the slide's 3 s end") != std::string::npos);
  CHECK(bad(R"({"image": "a.jpg", "caption": {"text": "x", "weight": "heavy"}})").find("slides[0].caption.weight") != std::string::npos);
  CHECK(bad(R"({"color": "#000000", "image": "a.jpg"})").find("slides[0].color") != std::string::npos);
  CHECK(bad(R"({"color": "black"})").find("slides[0].color") != std::string::npos);
  CHECK(bad(R"({"duration": 2})").find("slides[0].image: is required") != std::string::npos);
}

TEST_CASE("a caption's opacity follows its window and fades linearly") {
  CaptionStyle s;
  CHECK(caption_opacity(s, 0.0, 4.0) == 1.0);
  CHECK(caption_opacity(s, 3.99, 4.0) == 1.0);
  CHECK(caption_opacity(s, 4.0, 4.0) == 0.0);
  s.start = 1;
  s.end = 3;
  s.fade = 0.5;
  CHECK(caption_opacity(s, 0.99, 4.0) == 0.0);
  CHECK(caption_opacity(s, 1.25, 4.0) == Approx(0.5));
  CHECK(caption_opacity(s, 2.0, 4.0) == 1.0);
  CHECK(caption_opacity(s, 2.75, 4.0) == Approx(0.5));
  CHECK(caption_opacity(s, 3.0, 4.0) == 0.0);
}

TEST_CASE("a video slide's length is its clip's unless it says, and it moves only when it says") {
  auto t = parse(R"({"version": 1,
    "defaults": {"duration": 4, "motion": "auto", "fit": "contain-blur"},
    "slides": [{"video": "clips/a.mov"},
               {"video": "b.mp4", "in": 1, "out": 7, "speed": 2, "volume": 0.5},
               {"video": "c.mkv", "duration": 3, "motion": "auto"},
               {"image": "d.jpg"}]})");
  REQUIRE(t.ok());
  const auto& s = t.value().slides;
  REQUIRE(s[0].clip);
  CHECK(s[0].clip->file == "/shows/clips/a.mov");
  CHECK(s[0].clip->duration_from_clip);  // known once the clip is probed
  CHECK(s[0].fit == Fit::k_contain_blur);
  CHECK_FALSE(s[0].auto_motion);
  CHECK(s[0].motion == Motion{});
  CHECK(s[1].duration == Approx(3));  // (7 - 1) / 2
  CHECK_FALSE(s[1].clip->duration_from_clip);
  CHECK(s[1].clip->volume == 0.5);
  CHECK(s[2].duration == 3);
  CHECK(s[2].auto_motion);
  CHECK(s[3].duration == 4);
  CHECK(s[3].auto_motion);
  CHECK(s[3].image == "/shows/d.jpg");
  // Written and read again, with its durations resolved and the music's ducking.
  Timeline resolved = t.value();
  resolved.slides[0].duration = 12;
  resolved.slides[0].clip->duration_from_clip = false;
  AudioTrack music;
  music.file = "/shows/m.mp3";
  music.duck = Ducking{-18, 0.5, 1.5};
  resolved.audio = {music, music};
  resolved.audio[1].duck.reset();
  auto again = parse(timeline_to_json(resolved));
  REQUIRE(again.ok());
  CHECK(again.value().slides[0].duration == 12);
  CHECK(again.value().slides[0].clip == resolved.slides[0].clip);
  CHECK(again.value().slides[1].clip == resolved.slides[1].clip);
  CHECK(again.value().audio[0].duck == resolved.audio[0].duck);
  CHECK_FALSE(again.value().audio[1].duck);
}

TEST_CASE("clip fields are checked and named") {
  CHECK(error_of(R"({"version": 1, "slides": [{"video": "a.mp4", "in": 3, "out": 2}]})") ==
        "show.json: slides[0].out: must be after in (3 s)");
  CHECK(error_of(R"({"version": 1, "slides": [{"video": "a.mp4", "speed": 0.1}]})") ==
        "show.json: slides[0].speed: must be from 0.25 to 4");
  CHECK(error_of(R"({"version": 1, "slides": [{"video": "a.mp4", "in": -1}]})") ==
        "show.json: slides[0].in: must be from 0 to 86400 seconds");
  CHECK(error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "volume": 1}]})") ==
        "show.json: slides[0].volume: belongs to a video slide only");
  CHECK(error_of(R"({"version": 1, "slides": [{"video": "a.mp4", "color": "#000000"}]})") ==
        "show.json: slides[0].video: a slide has one of image, color or video");
  CHECK(error_of(R"({"version": 1, "slides": [{"video": ""}]})") == "show.json: slides[0].video: must name a video file");
  CHECK(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": [{"file": "m.mp3", "duck": {"gain_db": 6}}]})") ==
        "show.json: audio[0].duck.gain_db: must be from -60 to 0 dB");
  CHECK(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": [{"file": "m.mp3", "duck": {"hold": 1}}]})")
            .find("audio[0].duck.hold") != std::string::npos);
}

TEST_CASE("focus is read, written back, and refused when out of bounds") {
  auto focus_of = [](const std::string& value) {
    auto t = parse_timeline(R"({"version": 1, "slides": [{"image": "a.jpg", "focus": )" + value + "}]}",
                            "/shows/show.json");
    REQUIRE(t.ok());
    return t.value().slides[0].focus;
  };
  CHECK(focus_of(R"("auto")").kind == Focus::Kind::k_found);
  CHECK(focus_of(R"("none")").kind == Focus::Kind::k_none);
  CHECK(focus_of("[0.25, 0.75]") == Focus{Focus::Kind::k_point, Box{0.25, 0.75, 0, 0}});
  CHECK(focus_of(R"({"box": [0.1, 0.2, 0.3, 0.4]})") == Focus{Focus::Kind::k_box, Box{0.1, 0.2, 0.3, 0.4}});
  // defaults.focus reaches every slide; a slide's own wins.
  auto t = parse_timeline(
      R"({"version": 1, "defaults": {"focus": "none"}, "slides": [{"image": "a.jpg"}, {"image": "b.jpg", "focus": [0.5, 0.5]}]})",
      "/shows/show.json");
  REQUIRE(t.ok());
  CHECK(t.value().slides[0].focus.kind == Focus::Kind::k_none);
  CHECK(t.value().slides[1].focus.kind == Focus::Kind::k_point);
  // Written and read again, unchanged.
  auto again = parse_timeline(timeline_to_json(t.value()), "/shows/show.json");
  REQUIRE(again.ok());
  CHECK(again.value().slides[0].focus == t.value().slides[0].focus);
  CHECK(again.value().slides[1].focus == t.value().slides[1].focus);

  auto refused = [](const std::string& value) {
    return error_of(R"({"version": 1, "slides": [{"image": "a.jpg", "focus": )" + value + "}]}");
  };
  CHECK(refused("[1.5, 0.5]") ==
        "show.json: slides[0].focus: takes coordinates from 0 to 1 (fractions of the photo's width and height)");
  CHECK(refused("[0.5]") ==
        "show.json: slides[0].focus: must be \"auto\", \"none\", a point [x, y] or {\"box\": [x, y, width, height]}");
  CHECK(refused(R"("faces")") ==
        "show.json: slides[0].focus: must be \"auto\", \"none\", a point [x, y] or {\"box\": [x, y, width, height]}");
  CHECK(refused(R"({"box": [0.1, 0.1, 0, 0.2]})") == "show.json: slides[0].focus.box: must have a width and a height above 0");
  CHECK(refused(R"({"box": [0.6, 0.1, 0.5, 0.2]})") ==
        "show.json: slides[0].focus.box: must lie inside the photo (x + width and y + height at most 1)");
  CHECK(refused(R"({"point": [0.5, 0.5]})") == "show.json: slides[0].focus.box: is required: [x, y, width, height]");
  CHECK(error_of(R"({"version": 1, "slides": [{"color": "#000000", "focus": [0.5, 0.5]}]})") ==
        "show.json: slides[0].focus: belongs to a photo or video slide, not a title card");
}

TEST_CASE("audio_mix sets the loudness and true peak, null turns it off, and bounds are refused") {
  auto mix_of = [](const std::string& value) {
    auto t = parse_timeline(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio_mix": )" + value + "}",
                            "/shows/show.json");
    REQUIRE(t.ok());
    return t.value().audio_mix;
  };
  auto plain = parse_timeline(R"({"version": 1, "slides": [{"image": "a.jpg"}]})", "/shows/show.json");
  REQUIRE(plain.ok());
  CHECK(plain.value().audio_mix == AudioMix{-16.0, -1.0});  // the default
  CHECK(mix_of(R"({"loudness": -23, "true_peak": -2})") == AudioMix{-23.0, -2.0});
  CHECK_FALSE(mix_of(R"({"loudness": null})").loudness);
  // Written and read again, unchanged.
  auto off = parse_timeline(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio_mix": {"loudness": null}})",
                            "/shows/show.json");
  REQUIRE(off.ok());
  auto again = parse_timeline(timeline_to_json(off.value()), "/shows/show.json");
  REQUIRE(again.ok());
  CHECK(again.value().audio_mix == off.value().audio_mix);

  CHECK(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio_mix": {"loudness": -80}})") ==
        "show.json: audio_mix.loudness: must be from -70 to -5 LUFS, or null to leave the mix as it is");
  CHECK(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio_mix": {"true_peak": 1}})") ==
        "show.json: audio_mix.true_peak: must be from -9 to 0 dBTP");
  CHECK(error_of(R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio_mix": {"lufs": -14}})").find(
            "audio_mix") != std::string::npos);
}

TEST_CASE("playlists and beat sync are read, written back, and refused where they cannot be") {
  const std::string head = R"({"version": 1, "slides": [{"image": "a.jpg"}], )";
  auto parsed = [&](const std::string& rest) {
    auto t = parse_timeline(head + rest + "}", "/shows/show.json");
    INFO(rest);
    REQUIRE(t.ok());
    return t.value();
  };
  const Timeline list = parsed(R"("audio": [{"file": "a.mp3", "loop": true}, {"file": "b.mp3", "after": "previous",
      "crossfade": 3}, {"file": "c.mp3", "after": "previous"}], "timing": {"sync": "beats", "track": 1, "tolerance": 0.25})");
  REQUIRE(list.audio.size() == 3);
  CHECK(list.audio[1].after_previous);
  CHECK(list.audio[1].crossfade == 3.0);
  CHECK_FALSE(list.audio[2].crossfade);
  // A playlist's tracks fade over their crossfade where the show cuts them.
  CHECK(list.audio[0].fade_out == k_default_crossfade);
  CHECK(list.audio[1].fade_out == 3.0);
  REQUIRE(list.sync);
  CHECK(*list.sync == BeatSync{1, 0.25});
  auto again = parse_timeline(timeline_to_json(list), "/shows/show.json");
  REQUIRE(again.ok());
  CHECK(again.value().audio == list.audio);
  CHECK(again.value().sync == list.sync);

  // From defaults, and "none" turns it off.
  CHECK(parsed(R"("defaults": {"timing": {"sync": "beats"}}, "audio": [{"file": "a.mp3"}])").sync == BeatSync{});
  CHECK_FALSE(parsed(R"("timing": {"sync": "none"}, "audio": [{"file": "a.mp3"}])").sync);

  auto refused = [&](const std::string& rest) { return error_of(head + rest + "}"); };
  CHECK(refused(R"("audio": [{"file": "a.mp3", "after": "previous"}])") ==
        "show.json: audio[0].after: the first track has no track before it to follow");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}, {"file": "b.mp3", "after": "next"}])") ==
        "show.json: audio[1].after: must be \"previous\" (the track starts where the one before ends)");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}, {"file": "b.mp3", "after": "previous", "start": 4}])") ==
        "show.json: audio[1].after: a track has \"start\" or \"after\", not both");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}, {"file": "b.mp3", "after": "previous", "loop": true}])") ==
        "show.json: audio[1].loop: belongs on a playlist's first track (the whole list loops)");
  CHECK(refused(R"("audio": [{"file": "a.mp3", "crossfade": 2}])").find("audio[0].crossfade: belongs to") !=
        std::string::npos);
  CHECK(refused(R"("audio": [{"file": "a.mp3"}, {"file": "b.mp3", "after": "previous", "crossfade": -1}])") ==
        "show.json: audio[1].crossfade: must be from 0 to 1000000 seconds");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}], "timing": {"sync": "beats", "track": 1})") ==
        "show.json: timing.track: names no track of \"audio\"");
  CHECK(refused(R"("timing": {"sync": "beats"})") ==
        "show.json: timing.sync: needs a music track in \"audio\" to take the beats from");
  CHECK(refused(R"("defaults": {"timing": {"sync": "beats"}})") == "show.json: defaults.timing.track: names no track of \"audio\"");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}], "timing": {"sync": "bars"})") ==
        "show.json: timing.sync: must be \"beats\" or \"none\"");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}], "timing": {"sync": "beats", "tolerance": 0})") ==
        "show.json: timing.tolerance: must be more than 0 and at most 5 seconds");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}], "defaults": {"timing": {"sync": "beats"}}, "timing": {"sync": "none"})") ==
        "show.json: timing: is given in \"defaults\" already; give it once");
  CHECK(refused(R"("audio": [{"file": "a.mp3"}], "slides": [{"image": "a.jpg", "timing": {"sync": "beats"}}])")
            .find("timing") != std::string::npos);
}
