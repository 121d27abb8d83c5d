// SPDX-License-Identifier: GPL-2.0-or-later
// The plan is written once, into render.json in the work folder, and what
// comes after reads it: the record round-trips, a resume of the same show
// takes the recorded plan even where planning again would differ, and one
// version names the build everywhere.

#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/content_key.h"
#include "orchestrator/session/render_record.h"
#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string chunkreel_line(const std::string& args) {
  return test::quote(test::chunkreel_path()) + " " + args + " --quiet";
}

}  // namespace

TEST_CASE("a folder render's record holds its captions and title, and round-trips") {
  test::TempDir dir;
  test::make_sample(dir / "show", "--slides 4 --size 160x90 --photo 320x240 --seconds 1");
  const std::string out = dir / "folder.mp4";
  auto r = test::run(chunkreel_line("render " + test::quote(dir / "show/photos") + " -o " + test::quote(out) +
                                    " --size 160x90 --seconds-per-slide 1 --captions name --title Summer"
                                    " --workers 2 --keep-chunks --report " + test::quote(dir / "r.json")));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string path = out + ".parts/render.json";
  auto record = read_render_record(path);
  INFO((record ? "" : record.error().message));
  REQUIRE(record);
  const RenderRecord& rec = record.value();
  CHECK(rec.version == content_version());
  CHECK(rec.config.project.folder.title == "Summer");
  CHECK(rec.config.project.folder.captions == FolderCaptions::k_name);
  CHECK(rec.config.project.path == fs::absolute(dir / "show/photos").string());
  CHECK(rec.project.timeline.slides.size() == 5);  // the title card and four photos
  CHECK(rec.project.timeline.slides[0].card.has_value());
  int captioned = 0;
  for (const auto& caption : rec.project.captions) captioned += caption.has_value();
  CHECK(captioned >= 4);
  const json report = json::parse(test::read_text(dir / "r.json"));
  REQUIRE(rec.plan.chunks.size() == report["chunks"].size());
  CHECK(rec.show_key == report["content_key"]);

  // Written again from what was read, it is the same file, byte for byte.
  REQUIRE(write_render_record(rec, dir / "again.json"));
  CHECK(test::read_text(dir / "again.json") == test::read_text(path));
  auto again = read_render_record(dir / "again.json");
  REQUIRE(again);
  CHECK(again.value().project.captions == rec.project.captions);
  CHECK(again.value().project.timeline.slides.size() == rec.project.timeline.slides.size());
  for (size_t i = 0; i < rec.project.timeline.slides.size(); ++i) {
    CHECK(again.value().project.timeline.slides[i].motion == rec.project.timeline.slides[i].motion);
    CHECK(again.value().project.timeline.slides[i].auto_motion == rec.project.timeline.slides[i].auto_motion);
  }
  CHECK(again.value().plan.chunk_peak_bytes == rec.plan.chunk_peak_bytes);
}

TEST_CASE("a resume of the same show takes the recorded plan instead of planning again") {
  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 3 --size 160x90 --photo 320x240 --seconds 2");
  const std::string out = dir / "r.mp4";
  auto first = test::run(chunkreel_line("render " + test::quote(project) + " -o " + test::quote(out) +
                                        " --keep-chunks --report " + test::quote(dir / "first.json")));
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const json planned = json::parse(test::read_text(dir / "first.json"))["plan"];

  // On one CPU a new plan would differ (one worker); the recorded one is taken.
  auto resumed = test::run("taskset -c 0 " + chunkreel_line("render " + test::quote(project) + " -o " +
                                                            test::quote(out) + " -y --resume --report " +
                                                            test::quote(dir / "second.json")));
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  const json report = json::parse(test::read_text(dir / "second.json"));
  CHECK(report["plan"]["workers"] == planned["workers"]);
  CHECK(report["plan"]["machine"] == planned["machine"]);
  for (const json& chunk : report["chunks"]) CHECK(chunk["reused"] == true);
  auto fresh = test::run("taskset -c 0 " + test::quote(test::chunkreel_path()) + " plan " + test::quote(project) + " --json");
  REQUIRE(fresh.exit_code == 0);
  CHECK(json::parse(fresh.output)["machine"]["cores"] == 1);
}

TEST_CASE("one version names the build in --version, the content keys and the report") {
  auto version = test::run(test::quote(test::chunkreel_path()) + " --version");
  REQUIRE(version.exit_code == 0);
  CHECK(version.output.rfind(std::string("chunkreel ") + CHUNKREEL_VERSION + "\n", 0) == 0);
  CHECK_THAT(version.output, Catch::Matchers::Contains("(" + loaded_x264() + ")"));
  CHECK(content_version().rfind(std::string("chunkreel ") + CHUNKREEL_VERSION + "; libx264.so.", 0) == 0);
  CHECK_THAT(content_version(), Catch::Matchers::Contains("; libavcodec ") && Catch::Matchers::Contains("; libswscale "));

  test::TempDir dir;
  const std::string project = test::make_sample(dir / "show", "--slides 2 --size 160x90 --photo 320x240 --seconds 1");
  auto r = test::run(chunkreel_line("render " + test::quote(project) + " -o " + test::quote(dir / "v.mp4") +
                                    " --report " + test::quote(dir / "v.json")));
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(test::read_text(dir / "v.json"))["chunkreel"] == content_version());
}
