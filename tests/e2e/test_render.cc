// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The show's length computed from the project file alone, independently of
// chunkreel's own timing code: sum of durations minus every transition but
// the last slide's.
double expected_duration(const std::string& project_path) {
  json p = json::parse(test::read_text(project_path));
  const json& d = p["defaults"];
  double total = 0;
  const json& slides = p["slides"];
  for (size_t i = 0; i < slides.size(); ++i) {
    total += slides[i].value("duration", d.value("duration", 5.0));
    if (i + 1 == slides.size()) continue;
    json t = d["transition"];
    if (slides[i].contains("transition")) t.update(slides[i]["transition"]);
    if (t.value("type", "") != "cut") total -= t.value("duration", 0.0);
  }
  return total;
}

std::vector<double> packet_times(const std::string& file, const char* stream) {
  std::istringstream lines(test::ffprobe(std::string("-select_streams ") + stream +
                                             " -show_entries packet=pts_time -of csv=p=0",
                                         file));
  std::vector<double> times;
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) times.push_back(std::stod(line));
  std::sort(times.begin(), times.end());
  return times;
}

// Top-level MP4 boxes in file order.
std::vector<std::string> top_level_boxes(const std::string& file) {
  std::string data = test::read_text(file);
  std::vector<std::string> boxes;
  size_t at = 0;
  while (at + 8 <= data.size()) {
    uint64_t size = (uint64_t(uint8_t(data[at])) << 24) | (uint64_t(uint8_t(data[at + 1])) << 16) |
                    (uint64_t(uint8_t(data[at + 2])) << 8) | uint64_t(uint8_t(data[at + 3]));
    boxes.push_back(data.substr(at + 4, 4));
    if (size == 1 && at + 16 <= data.size()) {
      size = 0;
      for (int i = 0; i < 8; ++i) size = (size << 8) | uint8_t(data[at + 8 + i]);
    }
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

std::string render(const std::string& project, const std::string& out, const std::string& flags) {
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) +
                     " -o " + test::quote(out) + " " + flags);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return r.output;
}

}  // namespace

TEST_CASE("a small show renders with 2 workers into a correct file") {
  test::TempDir dir;
  const std::string project =
      test::make_sample(dir / "show", "--slides 7 --size 320x180 --photo 640x480 --seconds 1.5");
  const std::string out = dir / "out.mp4";
  render(project, out, "--workers 2 --chunk-seconds 1 --report " + test::quote(dir / "r.json"));

  const double fps = 30;
  const int64_t frames = std::llround(expected_duration(project) * fps);
  {  // exactly round(T * fps) frames, 1/fps apart
    std::vector<double> pts = packet_times(out, "v:0");
    REQUIRE(static_cast<int64_t>(pts.size()) == frames);
    for (size_t i = 1; i < pts.size(); ++i) CHECK(pts[i] - pts[i - 1] == Approx(1 / fps).margin(1e-4));
    CHECK(pts.front() == Approx(0).margin(1e-6));
  }
  {  // H.264 High, yuv420p, BT.709 tagged
    std::string v = test::ffprobe("-select_streams v:0 -show_entries "
                                  "stream=codec_name,profile,pix_fmt,color_space,color_range "
                                  "-of default=nw=1",
                                  out);
    CHECK_THAT(v, Catch::Matchers::Contains("codec_name=h264"));
    CHECK_THAT(v, Catch::Matchers::Contains("profile=High\n"));
    CHECK_THAT(v, Catch::Matchers::Contains("pix_fmt=yuv420p"));
    CHECK_THAT(v, Catch::Matchers::Contains("color_space=bt709"));
    CHECK_THAT(v, Catch::Matchers::Contains("color_range=tv"));
  }
  {  // AAC audio as long as the video, within one AAC frame
    std::string a = test::ffprobe("-select_streams a:0 -show_entries stream=codec_name,sample_rate,channels,duration -of default=nw=1", out);
    CHECK_THAT(a, Catch::Matchers::Contains("codec_name=aac"));
    CHECK_THAT(a, Catch::Matchers::Contains("sample_rate=48000"));
    CHECK_THAT(a, Catch::Matchers::Contains("channels=2"));
    double audio_s = std::stod(a.substr(a.find("duration=") + 9));
    CHECK(std::fabs(audio_s - frames / fps) <= 1024.0 / 48000 + 1e-6);
  }
  {  // faststart: the index precedes the media data
    std::vector<std::string> boxes = top_level_boxes(out);
    auto moov = std::find(boxes.begin(), boxes.end(), "moov");
    auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
    REQUIRE(moov != boxes.end());
    REQUIRE(mdat != boxes.end());
    CHECK(moov < mdat);
  }
  {  // decodes without a single error
    auto r = test::run("ffmpeg -v error -xerror -i " + test::quote(out) + " -f null -");
    CHECK(r.exit_code == 0);
    CHECK(r.output.empty());
  }
  {  // the run was chunked, the report adds up, and nothing is left behind
    json report = json::parse(test::read_text(dir / "r.json"));
    CHECK(report["plan"]["chunk_count"].get<int>() > 2);
    CHECK(report["plan"]["workers"] == 2);
    int64_t sum = 0;
    for (const json& c : report["chunks"]) sum += c["frame_count"].get<int64_t>();
    CHECK(sum == frames);
    CHECK(report["output"]["frames"] == frames);
    CHECK(report["concat"]["mode"] == "stream_copy");
    // A worker's time in the kernel is part of its CPU (its clock ticks
    // may not have caught any, in a chunk this small).
    double kernel = 0;
    for (const json& c : report["chunks"]) {
      CHECK(c["kernel_s"].get<double>() >= 0);
      CHECK(c["kernel_s"].get<double>() <= c["cpu_s"].get<double>());
      kernel += c["kernel_s"].get<double>();
    }
    CHECK(report["cpu"]["kernel_s"].get<double>() == Approx(kernel));
    CHECK_FALSE(fs::exists(out + ".parts"));
    CHECK(test::leftover_temporaries(dir.path()).empty());
  }
}

TEST_CASE("a lossless render is identical frame for frame however it is chunked") {
  test::TempDir dir;
  const std::string project = test::make_sample(
      dir / "show", "--slides 5 --size 256x144 --photo 600x400 --seconds 1.2 --crf 0 --no-audio");
  render(project, dir / "one.mp4", "--workers 1 --chunk-seconds 1000");
  render(project, dir / "many.mp4", "--workers 2 --chunk-seconds 0.4 --report " + test::quote(dir / "r.json"));
  json report = json::parse(test::read_text(dir / "r.json"));
  REQUIRE(report["plan"]["chunk_count"].get<int>() >= 4);
  std::vector<std::string> one = test::frame_md5s(dir / "one.mp4");
  std::vector<std::string> many = test::frame_md5s(dir / "many.mp4");
  REQUIRE(one.size() == many.size());
  REQUIRE(one.size() > 100);
  for (size_t i = 0; i < one.size(); ++i) {
    INFO("frame " << i);
    CHECK(one[i] == many[i]);
  }
}

TEST_CASE("chunks that show the same slide decode its photo once, with the same frames") {
  test::TempDir dir;
  const std::string project = test::make_sample(
      dir / "show", "--slides 4 --size 256x144 --photo 600x400 --seconds 1.2 --crf 0 --no-audio");
  render(project, dir / "one.mp4", "--workers 1 --chunk-seconds 1000");
  // One worker runs the chunks one after another, so the first chunk to
  // show a slide decodes its photo and every later one reads its picture.
  render(project, dir / "many.mp4",
         "--workers 1 --chunk-seconds 0.4 --keep-chunks --report " + test::quote(dir / "r.json"));
  json report = json::parse(test::read_text(dir / "r.json"));
  REQUIRE(report["plan"]["chunk_count"].get<int>() >= 6);
  std::set<int> slides;
  int shown = 0;
  for (const json& chunk : report["chunks"])
    for (const json& slide : chunk["slides"]) {
      slides.insert(slide.get<int>());
      ++shown;
    }
  REQUIRE(shown > static_cast<int>(slides.size()));
  // A picture is never written into the last 2 GiB of a disk; on a fuller
  // disk every chunk decodes its own.
  const bool room = fs::space(dir.path()).available > (uint64_t{5} << 29);
  CHECK(report["cpu"]["pictures_shared"].get<int>() == (room ? shown - static_cast<int>(slides.size()) : 0));
  CHECK(report["cpu"]["photos_loaded"].get<int>() == (room ? static_cast<int>(slides.size()) : shown));
  // The pictures went as soon as their last chunk finished, and no
  // temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(dir / "many.mp4.parts")) {
    INFO(entry.path());
    CHECK(entry.path().extension() != ".pic");
    CHECK(entry.path().extension() != ".tmp");
  }
  std::vector<std::string> one = test::frame_md5s(dir / "one.mp4");
  std::vector<std::string> many = test::frame_md5s(dir / "many.mp4");
  REQUIRE(one.size() == many.size());
  for (size_t i = 0; i < one.size(); ++i) {
    INFO("frame " << i);
    CHECK(one[i] == many[i]);
  }
}

TEST_CASE("NTSC frame rate: 30000/1001 keeps exact frame steps") {
  test::TempDir dir;
  const std::string project =
      test::make_sample(dir / "show", "--slides 3 --size 192x108 --photo 400x300 --seconds 1.5 --no-audio");
  json p = json::parse(test::read_text(project));
  p["output"]["fps"] = "30000/1001";
  test::write_text(project, p.dump());
  render(project, dir / "out.mp4", "--workers 2 --chunk-seconds 0.5");
  std::vector<double> pts = packet_times(dir / "out.mp4", "v:0");
  const int64_t frames = std::llround(expected_duration(project) * 30000 / 1001);
  REQUIRE(static_cast<int64_t>(pts.size()) == frames);
  for (size_t i = 1; i < pts.size(); ++i) CHECK(pts[i] - pts[i - 1] == Approx(1001.0 / 30000).margin(1e-4));
}

TEST_CASE("an invalid project exits 2 and names the culprit and writes nothing") {
  test::TempDir dir;
  const std::string project =
      test::make_sample(dir / "show", "--slides 3 --size 192x108 --photo 400x300 --seconds 1.5 --no-audio");
  json p = json::parse(test::read_text(project));
  p["slides"][1]["image"] = "photos/nope.jpg";
  test::write_text(project, p.dump());
  auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(project) +
                     " -o " + test::quote(dir / "out.mp4"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Matchers::Contains("slides[1].image"));
  CHECK_THAT(r.output, Catch::Matchers::Contains("nope.jpg: no such file"));
  CHECK_FALSE(fs::exists(dir / "out.mp4"));
  CHECK_FALSE(fs::exists(dir / "out.mp4.parts"));
}
