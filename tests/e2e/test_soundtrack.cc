// SPDX-License-Identifier: GPL-2.0-or-later
// Several songs in a row and slide changes on the beat, judged from what
// chunkreel wrote: the decoded PCM of a looped playlist of three tones
// (each tone where it should be, the crossfades' power steady), and the
// frames of shows synced to generated click tracks and drum patterns of
// known tempo (every moved cut within one frame of a true beat, no slide
// too short, the same frames however the show is chunked). All audio is
// made here.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;

namespace {

constexpr int k_rate = 48000;
constexpr double k_pi = 3.14159265358979323846;

void write_wav(const test::TempDir& dir, const std::vector<float>& mono, const std::string& name) {
  const std::string raw = dir / (name + ".f32");
  {
    std::ofstream out(raw, std::ios::binary);
    out.write(reinterpret_cast<const char*>(mono.data()), static_cast<std::streamsize>(mono.size() * 4));
  }
  REQUIRE(test::run("ffmpeg -v error -y -f f32le -ar 48000 -ac 1 -i " + test::quote(raw) + " -ac 2 -c:a pcm_s16le " +
                    test::quote(dir / name))
              .exit_code == 0);
}

// Beats at `first`, then every 60 / bpm seconds, the tempo changing to
// `bpm_after` at `change` seconds.
std::vector<double> beat_times(double first, double bpm, double bpm_after, double change, double seconds) {
  std::vector<double> beats;
  for (double t = first; t < seconds; t += 60.0 / (t < change ? bpm : bpm_after)) beats.push_back(t);
  return beats;
}

// A click on each beat, or a drum pattern: a kick on every beat, a snare
// on the second and fourth, a hi-hat between beats.
std::vector<float> drums(const std::vector<double>& beats, bool pattern, double seconds) {
  std::vector<float> x(static_cast<size_t>(seconds * k_rate), 0.0f);
  std::mt19937 noise_source(7);
  std::uniform_real_distribution<float> noise(-1, 1);
  auto add = [&](double at, double length, auto sample) {
    const size_t from = static_cast<size_t>(at * k_rate);
    for (size_t i = 0; i < static_cast<size_t>(length * k_rate) && from + i < x.size(); ++i)
      x[from + i] += static_cast<float>(sample(double(i) / k_rate));
  };
  for (size_t b = 0; b < beats.size(); ++b) {
    if (!pattern) {
      add(beats[b], 0.05, [](double t) { return 0.5 * std::exp(-t * 60) * std::sin(2 * k_pi * 1000 * t); });
      continue;
    }
    add(beats[b], 0.25, [](double t) { return 0.6 * std::exp(-t * 18) * std::sin(2 * k_pi * (50 + 90 * std::exp(-t * 40)) * t); });
    if (b % 2 == 1)
      add(beats[b], 0.15, [&](double t) { return std::exp(-t * 25) * (0.3 * noise(noise_source) + 0.2 * std::sin(2 * k_pi * 190 * t)); });
    if (b + 1 < beats.size())
      add((beats[b] + beats[b + 1]) / 2, 0.04, [&](double t) { return 0.12 * std::exp(-t * 120) * noise(noise_source); });
  }
  return x;
}

void make_photos(const test::TempDir& dir, int count) {
  for (int i = 0; i < count; ++i) {
    // Far-apart grey levels, so each slide is told from the others by its mean.
    const int level = 20 + 215 * i / (count - 1);
    char colour[16];
    std::snprintf(colour, sizeof colour, "0x%02x%02x%02x", level, level, level);
    REQUIRE(test::run("ffmpeg -v error -y -f lavfi -i color=c=" + std::string(colour) + ":s=64x48 -frames:v 1 " +
                      test::quote(dir / ("p" + std::to_string(i) + ".png")))
                .exit_code == 0);
  }
}

// Photo slides of 2.3 s, cuts and crossfades taking turns, synced to `music`.
json synced_show(const std::string& music, int photos) {
  json slides = json::array();
  for (int i = 0; i < photos; ++i)
    slides.push_back({{"image", "p" + std::to_string(i) + ".png"},
                      {"transition", i % 2 == 0 ? json{{"type", "cut"}} : json{{"type", "crossfade"}, {"duration", 0.4}}}});
  return {{"version", 1},
          {"output", {{"width", 64}, {"height", 48}, {"fps", 30}, {"video", {{"crf", 0}}}}},
          {"defaults", {{"duration", 2.3}, {"motion", {{"from", {{"zoom", 1}}}, {"to", {{"zoom", 1}}}}}, {"timing", {{"sync", "beats"}}}}},
          {"slides", slides},
          {"audio", json::array({{{"file", music}}})}};
}

json plan_of(const test::TempDir& dir, const std::string& show, std::string* warnings = nullptr) {
  auto r = test::run("{ " + test::quote(test::chunkreel_path()) + " plan --json " + test::quote(dir / show) + " 2>" +
                     test::quote(dir / "plan.err") + "; }");
  INFO(r.output << test::read_text(dir / "plan.err"));
  REQUIRE(r.exit_code == 0);
  if (warnings) *warnings = test::read_text(dir / "plan.err");
  return json::parse(r.output);
}

double nearest(const std::vector<double>& beats, double t) {
  double best = 1e9;
  for (double b : beats) best = std::min(best, std::abs(b - t));
  return best;
}

// The frames where the picture's mean brightness jumps: the cuts.
std::vector<int> cut_frames(const test::YuvVideo& video) {
  std::vector<int> cuts;
  double before = -1;
  for (size_t f = 0; f < video.frames.size(); ++f) {
    double sum = 0;
    for (int row = 0; row < video.height; ++row)
      for (int x = 0; x < video.width; ++x) sum += video.y(f, x, row);
    const double mean = sum / (video.width * video.height);
    // A crossfade of 12 frames changes by a twelfth of a step each frame;
    // a cut by a whole step (about 20 levels of Y).
    if (before >= 0 && std::abs(mean - before) > 10) cuts.push_back(static_cast<int>(f));
    before = mean;
  }
  return cuts;
}

}  // namespace

TEST_CASE("photo changes land on the beats of clicks and drums at 100 and 128 BPM, and across a change of tempo") {
  struct Case {
    const char* name;
    double bpm, bpm_after;
    bool pattern;
  };
  for (const Case& c : {Case{"click-100", 100, 100, false}, Case{"drums-128", 128, 128, true},
                        Case{"drums-100-to-128", 100, 128, true}}) {
    DYNAMIC_SECTION(c.name) {
      test::TempDir dir;
      constexpr int k_photos = 10;
      make_photos(dir, k_photos);
      const std::vector<double> beats = beat_times(0.25, c.bpm, c.bpm_after, 12, 30);
      write_wav(dir, drums(beats, c.pattern, 30), "music.wav");
      test::write_text(dir / "show.json", synced_show("music.wav", k_photos).dump());
      const json plan = plan_of(dir, "show.json");

      const json& found = plan.at("beats");
      CHECK(found.at("found").get<bool>());
      if (c.bpm == c.bpm_after) CHECK(found.at("tempo_bpm").get<double>() == Approx(c.bpm).epsilon(0.03));
      const int moved = found.at("moved").get<int>();
      CHECK(found.at("photo_changes").get<int>() == k_photos - 1);
      CHECK(moved >= k_photos - 3);  // the tracker needs a few beats to lock on
      // Every beat listed is a true one.
      for (const json& t : found.at("times")) CHECK(nearest(beats, t.get<double>()) < 0.012);

      // Each boundary the plan moved is within a frame of a true beat; no
      // slide is shorter than half its 2.3 s.
      const json& slides = plan.at("slides");
      int on_beat = 0;
      for (size_t i = 0; i + 1 < slides.size(); ++i) {
        const double duration = slides[i].at("duration").get<double>();
        CHECK(duration >= 2.3 / 2);
        const double x = i % 2 == 0 ? 0 : 0.4;
        const double boundary = slides[i + 1].at("start").get<double>() + x / 2;
        if (std::abs(duration - 2.3) > 1e-6) {
          INFO("boundary " << i << " at " << boundary);
          CHECK(nearest(beats, boundary) <= 1.0 / 30);
          ++on_beat;
        }
      }
      CHECK(on_beat == moved);

      // In the video itself: the cuts fall on the frames the plan gives,
      // and each moved one within one frame of a beat.
      auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                         test::quote(dir / "one.mp4") + " --quiet --workers 1 --chunk-seconds 1000");
      REQUIRE(r.exit_code == 0);
      std::vector<int> planned_cuts;
      for (size_t i = 0; i + 1 < slides.size(); i += 2) {
        const int frame = static_cast<int>(std::ceil(slides[i + 1].at("start").get<double>() * 30 - 1e-6));
        planned_cuts.push_back(frame);
        if (std::abs(slides[i].at("duration").get<double>() - 2.3) > 1e-6) CHECK(nearest(beats, frame / 30.0) <= 1.0 / 30);
      }
      CHECK(cut_frames(test::decode_yuv(dir / "one.mp4", 64, 48)) == planned_cuts);

      if (c.pattern && c.bpm == c.bpm_after) {
        // Chunked, the frames are the same.
        r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                      test::quote(dir / "many.mp4") + " --quiet --workers 2 --chunk-seconds 2");
        REQUIRE(r.exit_code == 0);
        CHECK(test::frame_md5s(dir / "one.mp4") == test::frame_md5s(dir / "many.mp4"));
      }
    }
  }
}

TEST_CASE("music without a beat leaves the slides as they were, with one warning") {
  test::TempDir dir;
  make_photos(dir, 4);
  REQUIRE(test::run("ffmpeg -v error -y -f lavfi -i \"aevalsrc=0.2*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*0.1*t))+0.15*sin(2*PI*277*t):s=48000:d=20\" " +
                    test::quote(dir / "pad.wav"))
              .exit_code == 0);
  json show = synced_show("pad.wav", 4);
  test::write_text(dir / "show.json", show.dump());
  std::string warnings;
  const json plan = plan_of(dir, "show.json", &warnings);
  CHECK_FALSE(plan.at("beats").at("found").get<bool>());
  CHECK(warnings.find("no steady beat found") != std::string::npos);
  CHECK(std::count(warnings.begin(), warnings.end(), '\n') == 1);
  for (const json& slide : plan.at("slides")) CHECK(slide.at("duration").get<double>() == 2.3);
}

TEST_CASE("a looped playlist plays its songs in order, crossfaded at steady power") {
  test::TempDir dir;
  const std::vector<std::pair<int, double>> tones = {{300, 5}, {500, 4}, {700, 6}};
  json audio = json::array();
  for (const auto& [hz, seconds] : tones) {
    const std::string name = std::to_string(hz) + ".wav";
    REQUIRE(test::run("ffmpeg -v error -y -f lavfi -i \"aevalsrc=0.3*sin(2*PI*" + std::to_string(hz) + "*t):s=48000:d=" +
                      std::to_string(seconds) + "\" -ac 2 " + test::quote(dir / name))
                .exit_code == 0);
    audio.push_back(audio.empty() ? json{{"file", name}, {"loop", true}} : json{{"file", name}, {"after", "previous"}});
  }
  const json show = {{"version", 1},
                     {"output", {{"width", 64}, {"height", 48}, {"fps", 10}}},
                     {"slides", json::array({{{"color", "#102030"}, {"duration", 20}}})},
                     {"audio", audio},
                     {"audio_mix", {{"loudness", nullptr}}}};
  test::write_text(dir / "show.json", show.dump());
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                     test::quote(dir / "out.mp4") + " --quiet");
  REQUIRE(r.exit_code == 0);
  REQUIRE(test::run("ffmpeg -v error -y -i " + test::quote(dir / "out.mp4") + " -ac 1 -ar 48000 -f f32le " +
                    test::quote(dir / "out.f32"))
              .exit_code == 0);
  const std::string bytes = test::read_text(dir / "out.f32");
  std::vector<float> pcm(bytes.size() / 4);
  std::memcpy(pcm.data(), bytes.data(), pcm.size() * 4);

  // Where each tone should sound, worked out here from the lengths: 300 Hz
  // [0, 5), 500 Hz [3, 7), 700 Hz [5, 11), 300 Hz again [9, 14), 500 Hz
  // [12, 16), 700 Hz [14, 20); 2 s crossfades where they overlap.
  struct Span {
    int hz;
    double from, to;
  };
  const std::vector<Span> spans = {{300, 0, 5}, {500, 3, 7}, {700, 5, 11}, {300, 9, 14}, {500, 12, 16}, {700, 14, 20}};
  // A tone's amplitude over a 50 ms window (a whole number of its cycles).
  auto amplitude = [&](int hz, double from) {
    const size_t a = static_cast<size_t>(from * k_rate), n = k_rate / 20;
    double re = 0, im = 0;
    for (size_t i = 0; i < n; ++i) {
      re += pcm[a + i] * std::cos(2 * k_pi * hz * double(i) / k_rate);
      im += pcm[a + i] * std::sin(2 * k_pi * hz * double(i) / k_rate);
    }
    return 2 * std::hypot(re, im) / double(n);
  };
  for (double t = 0.1; t < 17.9; t += 0.05) {
    INFO("at " << t << " s");
    std::vector<int> sounding;
    bool near_edge = false;
    for (const Span& s : spans) {
      if (t + 0.05 > s.from && t < s.to) sounding.push_back(s.hz);
      near_edge |= std::abs(t - s.from) < 0.1 || std::abs(t - s.to) < 0.1;
    }
    if (near_edge) continue;
    double power = 0;
    for (int hz : {300, 500, 700}) {
      const double a = amplitude(hz, t);
      const bool expected = std::find(sounding.begin(), sounding.end(), hz) != sounding.end();
      if (!expected) CHECK(a < 0.01);
      if (expected && sounding.size() == 1) CHECK(a == Approx(0.3).epsilon(0.05));
      power += a * a;
    }
    // Alone or crossfading, the power stays within 1 dB of one tone's.
    CHECK(std::abs(10 * std::log10(power / 0.09)) < 1.0);
  }
}

TEST_CASE("a crossfade longer than a track and a track with no sound are refused before any work") {
  test::TempDir dir;
  REQUIRE(test::run("ffmpeg -v error -y -f lavfi -i \"aevalsrc=0.3*sin(2*PI*440*t):s=48000:d=1.5\" " +
                    test::quote(dir / "short.wav"))
              .exit_code == 0);
  REQUIRE(test::run("ffmpeg -v error -y -f lavfi -i testsrc=s=64x48:d=1 " + test::quote(dir / "silent.mp4")).exit_code == 0);
  auto refusal = [&](const json& audio) {
    const json show = {{"version", 1}, {"slides", json::array({{{"color", "#000000"}, {"duration", 3}}})}, {"audio", audio}};
    test::write_text(dir / "show.json", show.dump());
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                       test::quote(dir / "out.mp4") + " --quiet 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_FALSE(std::ifstream(dir / "out.mp4").good());
    return r.output;
  };
  CHECK(refusal(json::array({{{"file", "short.wav"}}, {{"file", "short.wav"}, {"after", "previous"}}}))
            .find("show.json: audio[1].crossfade: 2 s is not shorter than audio[0] (1.500 s long)") != std::string::npos);
  CHECK(refusal(json::array({{{"file", "silent.mp4"}}})).find("audio[0].file") != std::string::npos);
}

TEST_CASE("a folder show's repeated --music makes a looped playlist, and --sync beats moves its photos") {
  test::TempDir dir;
  std::filesystem::create_directory(dir / "photos");
  test::TempDir music;
  make_photos(music, 4);
  for (int i = 0; i < 4; ++i)
    std::filesystem::copy_file(music / ("p" + std::to_string(i) + ".png"), dir / ("photos/p" + std::to_string(i) + ".png"));
  write_wav(music, drums(beat_times(0.25, 120, 120, 0, 20), true, 20), "a.wav");
  write_wav(music, drums(beat_times(0.1, 120, 120, 0, 8), true, 8), "b.wav");
  auto r = test::run(test::quote(test::chunkreel_path()) + " plan --json " + test::quote(dir / "photos") +
                     " --seconds-per-slide 6 --size 64x48 --music " + test::quote(music / "a.wav") + " --music " +
                     test::quote(music / "b.wav") + " --sync beats");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json plan = json::parse(r.output);
  const json& plays = plan.at("music");
  REQUIRE(plays.size() >= 2);
  CHECK(plays[0].at("track") == 0);
  CHECK(plays[1].at("track") == 1);
  CHECK(plays[1].at("start").get<double>() == Approx(18.0).margin(0.01));  // 20 s less the 2 s crossfade
  CHECK(plan.at("beats").at("moved").get<int>() >= 1);
}
