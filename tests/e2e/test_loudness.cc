// SPDX-License-Identifier: GPL-2.0-or-later
// The soundtrack brought to its loudness: measured by ffmpeg's own ebur128
// filter on the file chunkreel wrote (an outside meter), music made 15 dB
// too quiet or 6 dB too loud comes out within half a LU of the target and
// under its true-peak ceiling, with a clip's sound in the mix too; the
// report says what was measured and done; "loudness": null leaves the mix
// as it is.

#include <catch2/catch.hpp>

#include <regex>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;

namespace {

struct Levels {
  double integrated = 0;  ///< LUFS
  double true_peak = 0;   ///< dBFS, oversampled
};

// ffmpeg's ebur128 summary of `file`'s sound.
Levels measure(const std::string& file) {
  auto r = test::run("ffmpeg -nostats -hide_banner -i " + test::quote(file) +
                     " -map 0:a -af ebur128=peak=true -f null - 2>&1");
  REQUIRE(r.exit_code == 0);
  const std::string summary = r.output.substr(r.output.rfind("Summary:"));
  std::smatch m;
  Levels levels;
  REQUIRE(std::regex_search(summary, m, std::regex(R"(I:\s+(-?[0-9.]+) LUFS)")));
  levels.integrated = std::stod(m[1]);
  REQUIRE(std::regex_search(summary, m, std::regex(R"(Peak:\s+(-?[0-9.]+|-inf) dBFS)")));
  levels.true_peak = std::stod(m[1]);
  return levels;
}

// Pink noise and a chord, the kind of dense sound music is, at `gain_db`.
void make_music(const std::string& path, double gain_db, double seconds) {
  auto r = test::run(
      "ffmpeg -v error -y -f lavfi -i anoisesrc=color=pink:amplitude=0.5:seed=7:duration=" + std::to_string(seconds) +
      " -f lavfi -i \"aevalsrc=0.3*sin(2*PI*220*t)+0.2*sin(2*PI*330*t)+0.15*sin(2*PI*440*t):s=48000:d=" +
      std::to_string(seconds) + "\" -filter_complex \"[0][1]amix=inputs=2:normalize=0,volume=" +
      std::to_string(gain_db) + "dB,aformat=channel_layouts=stereo\" -ar 48000 -c:a flac " + test::quote(path));
  REQUIRE(r.exit_code == 0);
}

json show_with(const std::string& music, const json& audio_mix) {
  json show = {{"version", 1},
               {"output", {{"width", 160}, {"height", 90}, {"fps", 10}}},
               {"slides", json::array({{{"color", "#203040"}, {"duration", 6}}, {{"color", "#402030"}, {"duration", 6}}})},
               {"audio", json::array({{{"file", music}}})}};
  if (!audio_mix.is_null()) show["audio_mix"] = audio_mix;
  return show;
}

Levels render_and_measure(const test::TempDir& dir, const json& show, const std::string& name, json* report = nullptr) {
  test::write_text(dir / (name + ".json"), show.dump());
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / (name + ".json")) + " -o " +
                     test::quote(dir / (name + ".mp4")) + " --quiet --report " + test::quote(dir / (name + "-r.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  if (report) *report = json::parse(test::read_text(dir / (name + "-r.json")));
  return measure(dir / (name + ".mp4"));
}

}  // namespace

TEST_CASE("music too quiet or too loud comes out at the show's loudness, under its true-peak ceiling") {
  test::TempDir dir;
  make_music(dir / "music.flac", 0, 12);
  const Levels original = measure(dir / "music.flac");
  // Made 15 dB under the default target and 6 dB over it.
  for (double target_offset : {-15.0, 6.0}) {
    const std::string name = target_offset < 0 ? "quiet" : "loud";
    make_music(dir / (name + ".flac"), -16 + target_offset - original.integrated, 12);
    const Levels source = measure(dir / (name + ".flac"));
    CHECK(source.integrated == Approx(-16 + target_offset).margin(0.3));
    json report;
    const Levels out = render_and_measure(dir, show_with(name + ".flac", nullptr), name, &report);
    INFO(name << ": " << out.integrated << " LUFS, true peak " << out.true_peak << " dBFS");
    CHECK(out.integrated == Approx(-16).margin(0.5));
    CHECK(out.true_peak <= -1.0);
    const json& loudness = report["audio"]["loudness"];
    CHECK(loudness["target_lufs"] == -16);
    CHECK(loudness["before_lufs"].get<double>() == Approx(source.integrated).margin(0.5));
    CHECK(loudness["gain_db"].get<double>() == Approx(-target_offset).margin(0.5));
    CHECK(loudness["after_lufs"].get<double>() == Approx(-16).margin(0.5));
  }
  // Another target and ceiling, as the show asks.
  const Levels broadcast =
      render_and_measure(dir, show_with("loud.flac", {{"loudness", -23}, {"true_peak", -2}}), "broadcast");
  CHECK(broadcast.integrated == Approx(-23).margin(0.5));
  CHECK(broadcast.true_peak <= -2.0);
  // A peak that must be held down: the loud music asked to -9 LUFS under -1 dBTP.
  json limited_report;
  const Levels limited =
      render_and_measure(dir, show_with("loud.flac", {{"loudness", -9}, {"true_peak", -1}}), "limited", &limited_report);
  CHECK(limited_report["audio"]["loudness"]["limited"] == true);
  CHECK(limited.true_peak <= -1.0);
  CHECK(limited.integrated == Approx(-9).margin(1.0));
}

TEST_CASE("a clip's sound is levelled with the music, and loudness null leaves the mix as it is") {
  test::TempDir dir;
  make_music(dir / "music.flac", -12, 12);  // quiet music
  auto made = test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=160x90:r=10:d=4 -f lavfi -i "
                        "sine=frequency=1000:sample_rate=48000:duration=4 -c:v libx264 -pix_fmt yuv420p -c:a aac " +
                        test::quote(dir / "clip.mp4"));
  REQUIRE(made.exit_code == 0);
  json show = show_with("music.flac", nullptr);
  show["slides"].push_back({{"video", "clip.mp4"}});
  const Levels out = render_and_measure(dir, show, "with-clip");
  CHECK(out.integrated == Approx(-16).margin(0.5));
  CHECK(out.true_peak <= -1.0);

  // Left as it is: the music's own loudness (it plays alone, unducked, for the first 11 s of 12).
  const Levels music = measure(dir / "music.flac");
  json report;
  const Levels plain = render_and_measure(dir, show_with("music.flac", {{"loudness", nullptr}}), "plain", &report);
  CHECK(plain.integrated == Approx(music.integrated).margin(0.5));
  CHECK_FALSE(report["audio"].contains("loudness"));
}
