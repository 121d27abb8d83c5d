// SPDX-License-Identifier: GPL-2.0-or-later
// Every bad input is refused before any worker starts: exit code 2, a short
// message naming the file and the field, and no output or work folder left.

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Case {
  const char* name;
  std::function<void(const test::TempDir&, json&)> spoil;
  std::string expected;  ///< must appear in the message
  std::string flags = "";
};

}  // namespace

TEST_CASE("bad inputs exit 2 naming the culprit and leave nothing behind") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 3 --size 160x90 --photo 320x240 --seconds 1.5");
  const json good = json::parse(test::read_text(project));
  const std::vector<Case> cases = {
      {"invalid JSON", [](auto&, json&) {}, "invalid JSON at line 1, column", ""},
      {"unknown key", [](auto&, json& p) { p["slides"][1]["duraton"] = 2; }, "slides[1].duraton: unknown key"},
      {"wrong type", [](auto&, json& p) { p["slides"][0]["duration"] = "long"; }, "slides[0].duration: must be a number"},
      {"duration 0", [](auto&, json& p) { p["slides"][2]["duration"] = 0; }, "slides[2].duration: must be greater than 0"},
      {"zoom 0", [](auto&, json& p) { p["defaults"]["motion"]["to"]["zoom"] = 0; }, "defaults.motion.to.zoom"},
      {"centre outside", [](auto&, json& p) { p["slides"][0]["motion"] = {{"from", {{"center", {1.2, 0.5}}}}}; }, "slides[0].motion.from.center"},
      {"odd width", [](auto&, json& p) { p["output"]["width"] = 161; }, "output.width: must be even"},
      {"fps 0", [](auto&, json& p) { p["output"]["fps"] = 0; }, "output.fps"},
      {"absurd size", [](auto&, json& p) { p["output"]["height"] = 100000; }, "output.height"},
      {"transition too long", [](auto&, json& p) { p["slides"][1]["transition"] = {{"type", "crossfade"}, {"duration", 1.4}}; }, "slides[1].transition.duration"},
      {"unknown transition", [](auto&, json& p) { p["slides"][0]["transition"] = {{"type", "spiral"}}; }, "slides[0].transition.type: unknown transition 'spiral'"},
      {"unknown fit", [](auto&, json& p) { p["slides"][0]["fit"] = "stretch"; }, "slides[0].fit: unknown fit"},
      {"unknown easing", [](auto&, json& p) { p["defaults"]["motion"]["easing"] = "bounce"; }, "defaults.motion.easing"},
      {"missing image", [](auto&, json& p) { p["slides"][1]["image"] = "photos/gone.jpg"; }, "slides[1].image: "},
      {"empty image", [](const test::TempDir& d, json& p) { test::write_text(d / "show/empty.jpg", ""); p["slides"][0]["image"] = "empty.jpg"; }, "is empty"},
      {"truncated image", [](const test::TempDir& d, json& p) {
         std::string jpeg = test::read_text(d / "show/photos/photo_000.jpg");
         test::write_text(d / "show/cut.jpg", jpeg.substr(0, jpeg.size() / 2));
         p["slides"][0]["image"] = "cut.jpg"; }, "truncated JPEG"},
      {"text as image", [](const test::TempDir& d, json& p) { test::write_text(d / "show/notes.jpg", "not a photo\n"); p["slides"][2]["image"] = "notes.jpg"; }, "not a JPEG, PNG, WebP, HEIC/HEIF, AVIF or TIFF image"},
      {"arithmetic-coded JPEG", [](const test::TempDir& d, json& p) {
         REQUIRE(test::run("jpegtran -arithmetic -outfile " + test::quote(d / "show/arith.jpg") + " " +
                           test::quote(d / "show/photos/photo_000.jpg")).exit_code == 0);
         p["slides"][1]["image"] = "arith.jpg"; }, "arith.jpg: an arithmetic-coded JPEG"},
      {"folder as image", [](const test::TempDir& d, json& p) { fs::create_directories(d / "show/album.jpg"); p["slides"][2]["image"] = "album.jpg"; }, "is a folder"},
      {"too many pixels", [](auto&, json&) {}, "over the limit", "--max-megapixels 0.05"},
      {"missing audio", [](auto&, json& p) { p["audio"][0]["file"] = "music/gone.mp3"; }, "audio[0].file: "},
      {"undecodable audio", [](const test::TempDir& d, json& p) { test::write_text(d / "show/noise.mp3", std::string(5000, 'x')); p["audio"][0]["file"] = "noise.mp3"; }, "audio[0].file: "},
      // Numbers outside their ranges, each of which once went through.
      {"tiny zoom", [](auto&, json& p) { p["slides"][1]["motion"] = {{"to", {{"zoom", 0.000001}}}}; }, "slides[1].motion.to.zoom: must be from 0.1 to 64"},
      {"huge zoom", [](auto&, json& p) { p["slides"][1]["motion"] = {{"from", {{"zoom", 1e300}}}}; }, "slides[1].motion.from.zoom"},
      {"fps parts too large", [](auto&, json& p) { p["output"]["fps"] = "300000001/10000000"; }, "output.fps: needs a numerator"},
      {"audio start beyond range", [](auto&, json& p) { p["audio"][0]["start"] = 1e300; }, "audio[0].start: must be from 0 to"},
      {"audio fade beyond range", [](auto&, json& p) { p["audio"][0]["fade_out"] = 1e19; }, "audio[0].fade_out"},
      {"chunk length beyond range", [](auto&, json&) {}, "--chunk-seconds needs a number of seconds from", "--chunk-seconds 1e19"},
      {"chunk length 0", [](auto&, json&) {}, "--chunk-seconds", "--chunk-seconds 0"},
      {"budget of half a byte", [](auto&, json&) {}, "--memory-budget: '0.5'", "--memory-budget 0.5"},
      {"budget below any worker", [](auto&, json&) {}, "is below what any worker needs", "--memory-budget 20M"},
      {"budget beyond any machine", [](auto&, json&) {}, "--memory-budget", "--memory-budget 1e30G"},
      {"stall timeout under a second", [](auto&, json&) {}, "--stall-timeout needs a number of seconds from 1", "--stall-timeout 0.0001"},
      {"megapixels beyond range", [](auto&, json&) {}, "--max-megapixels", "--max-megapixels 1e30"},
      {"no workers", [](auto&, json&) {}, "--workers", "--workers 0"},
      {"retries beyond range", [](auto&, json&) {}, "--retries", "--retries 1000"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    json spoiled = good;
    c.spoil(dir, spoiled);
    std::string text = spoiled.dump(2);
    if (std::string(c.name) == "invalid JSON") text = "{\"version\": 1,, }";
    test::write_text(dir / "show/bad.json", text);
    const std::string out = dir / "out.mp4";
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show/bad.json") +
                       " -o " + test::quote(out) + " " + c.flags);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Matchers::Contains(c.expected));
    CHECK_THAT(r.output, Catch::Matchers::StartsWith("chunkreel: error: "));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') <= 3);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".parts"));
  }
}

TEST_CASE("an output folder that cannot be written is refused up front") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 2 --size 160x90 --photo 320x240 --seconds 1.5 --no-audio");
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                     test::quote(dir / "no/such/folder/out.mp4"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Matchers::Contains("the output folder does not exist"));
  if (::geteuid() != 0) {  // root may write anywhere
    fs::create_directories(dir / "locked");
    ::chmod((dir / "locked").c_str(), 0555);
    r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                  test::quote(dir / "locked/out.mp4"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Matchers::Contains("not writable"));
  }
}

TEST_CASE("a full disk during the join fails clearly and keeps the finished chunks") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 4 --size 320x180 --photo 640x480 --seconds 2 --no-audio");
  const std::string chunking = " --quiet --workers 2 --chunk-seconds 1.5 ";
  auto clean = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                         test::quote(dir / "clean.mp4") + chunking + "--keep-chunks");
  REQUIRE(clean.exit_code == 0);
  uintmax_t largest_chunk = 0;
  for (const auto& entry : fs::directory_iterator(dir / "clean.mp4.parts"))
    if (entry.path().extension() == ".mp4") largest_chunk = std::max(largest_chunk, fs::file_size(entry.path()));
  const uintmax_t whole = fs::file_size(dir / "clean.mp4");
  REQUIRE(largest_chunk * 5 / 4 < whole * 9 / 10);
  // A file-size limit above any chunk but below the whole film: the chunks
  // are written, the joined output is not. (POSIX sh counts ulimit -f in
  // 512-byte blocks.)
  const std::string work = dir / "work";
  auto r = test::run("ulimit -f " + std::to_string((largest_chunk * 5 / 4 + whole * 9 / 10) / 2 / 512) + "; " +
                     test::quote(test::chunkreel_path()) + " render " + test::quote(project) + " -o " +
                     test::quote(dir / "out.mp4") + chunking + "--work-dir " + test::quote(work));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Matchers::Contains("out.mp4.chunkreel-"));
  CHECK_FALSE(fs::exists(dir / "out.mp4"));
  CHECK(test::leftover_temporaries(dir.path()).empty());
  int chunks = 0;
  for (const auto& entry : fs::recursive_directory_iterator(work)) chunks += entry.path().extension() == ".mp4";
  CHECK(chunks >= 2);
}

TEST_CASE("names that are not UTF-8: a folder's photo is left out by name, an output is refused up front") {
  test::TempDir dir;
  test::make_sample(dir / "show", "--slides 2 --size 160x90 --photo 320x240 --seconds 1");
  // A photo named in Latin-1, as old cameras and zip files name them.
  const std::string latin1 = dir / "show/photos/caf\xE9.jpg";
  fs::copy_file(dir / "show/photos/photo_000.jpg", latin1);
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show/photos") + " -o " +
                     test::quote(dir / "folder.mp4") + " --size 160x90 --seconds-per-slide 1 --report " +
                     test::quote(dir / "folder.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matchers::Contains("left out caf\\xE9.jpg: its name is not UTF-8"));
  const json report = json::parse(test::read_text(dir / "folder.json"));
  CHECK(report["left_out"].size() == 1);

  auto refused = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show/show.json") +
                           " -o " + test::quote(dir / "caf\xE9.mp4"));
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Catch::Matchers::Contains("-o ") && Catch::Matchers::Contains("caf\\xE9.mp4: the path is not UTF-8"));
  CHECK_FALSE(fs::exists(dir / "caf\xE9.mp4.parts"));
}
