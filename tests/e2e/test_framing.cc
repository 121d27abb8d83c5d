// SPDX-License-Identifier: GPL-2.0-or-later
// Framing by what a photo shows, end to end: the faces chunkreel finds in a
// real photograph (Grace Hopper's portrait, from Debian's
// python-matplotlib-data) steer the view windows `plan --json` lists; a
// slide's focus replaces them; what was found is cached, recorded in the
// plan and carried by the chunk jobs; and a show where nothing is found
// renders exactly as before.

#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* const k_portrait = test::k_portrait_photo;
// Her face, labelled by hand in that photo: [x, y, width, height].
constexpr double k_face[4] = {155, 110, 225, 230};

// The portrait at the top of a tall photo (512x1200): the face is in its
// top third, which the middle band of a landscape crop leaves out.
void make_tall_portrait(const std::string& path) {
  auto r = test::run("ffmpeg -v error -y -i " + test::quote(k_portrait) +
                     " -vf pad=512:1200:0:0:gray -q:v 2 " + test::quote(path));
  REQUIRE(r.exit_code == 0);
}

// A photo in which nothing stands out: grey noise.
void make_noise(const std::string& path) {
  auto r = test::run("ffmpeg -v error -y -f lavfi -i color=c=gray:s=400x300,noise=alls=60:allf=t+u -frames:v 1 " +
                     test::quote(path));
  REQUIRE(r.exit_code == 0);
}

std::string cache_env(const std::string& folder) { return "XDG_CACHE_HOME=" + test::quote(folder) + " "; }

json plan_of(const std::string& show, const std::string& env, test::CommandResult* result = nullptr) {
  auto r = test::run(env + test::quote(test::chunkreel_path()) + " plan --json " + test::quote(show));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  if (result) *result = r;
  // The JSON is on stdout; warnings come before it on stderr.
  return json::parse(r.output.substr(r.output.find('{')));
}

void write_show(const std::string& path, const json& slides, const std::string& size = "320x180") {
  const int w = std::stoi(size), h = std::stoi(size.substr(size.find('x') + 1));
  test::write_text(path, json{{"version", 1}, {"output", {{"width", w}, {"height", h}, {"fps", 10}}},
                              {"slides", slides}}
                             .dump());
}

bool holds(const json& window, const double* box) {
  const double x = window[0], y = window[1], w = window[2], h = window[3];
  return x <= box[0] + 0.5 && y <= box[1] + 0.5 && x + w >= box[0] + box[2] - 0.5 && y + h >= box[1] + box[3] - 0.5;
}

// A found box matches the labelled face when each one's centre lies in the other.
bool matches_face(const json& found) {
  const double cx = double(found[0]) + double(found[2]) / 2, cy = double(found[1]) + double(found[3]) / 2;
  const double lx = k_face[0] + k_face[2] / 2, ly = k_face[1] + k_face[3] / 2;
  return cx > k_face[0] && cx < k_face[0] + k_face[2] && cy > k_face[1] && cy < k_face[1] + k_face[3] &&
         lx > double(found[0]) && lx < double(found[0]) + double(found[2]) && ly > double(found[1]) &&
         ly < double(found[1]) + double(found[3]);
}

}  // namespace

TEST_CASE("a portrait's face in its top third stays in view of a landscape show, still and moving") {
  test::TempDir dir;
  make_tall_portrait(dir / "tall.jpg");
  const json slides = json::array({{{"image", "tall.jpg"}, {"duration", 2}},
                                   {{"image", "tall.jpg"}, {"duration", 2}, {"motion", "auto"}},
                                   {{"image", "tall.jpg"}, {"duration", 2}, {"motion", "auto"}},
                                   {{"image", "tall.jpg"}, {"duration", 2}, {"focus", "none"}}});
  write_show(dir / "show.json", slides);
  const json plan = plan_of(dir / "show.json", cache_env(dir / "cache"));
  for (int i = 0; i < 3; ++i) {
    const json& slide = plan["slides"][i];
    INFO("slide " << i << ": " << slide.dump());
    REQUIRE(slide["faces"].size() == 1);
    CHECK(matches_face(slide["faces"][0]));
    CHECK(slide["size"] == json::array({512, 1200}));
    // The face found, whole, at the start and the end (and so, by the
    // framing's own check, all the way).
    const double found[4] = {slide["faces"][0][0], slide["faces"][0][1], slide["faces"][0][2], slide["faces"][0][3]};
    CHECK(holds(slide["from"], found));
    CHECK(holds(slide["to"], found));
    CHECK(holds(slide["from"], k_face));
  }
  CHECK(plan["slides"][1]["from"] != plan["slides"][1]["to"]);  // auto motion still moves
  // Told to look for nothing, the slide keeps the middle band, which cuts her face.
  const json& plain = plan["slides"][3];
  CHECK(plain["faces"].empty());
  CHECK_FALSE(holds(plain["from"], k_face));
  CHECK(double(plain["from"][1]) == Approx((1200 - 288) / 2.0));
}

TEST_CASE("a slide's focus replaces what is found, and defaults.focus none turns finding off") {
  test::TempDir dir;
  make_tall_portrait(dir / "tall.jpg");
  const json box = {{"box", {0.1, 0.75, 0.5, 0.2}}};  // the grey below her, in pixels 51,900 256x240
  write_show(dir / "show.json", json::array({{{"image", "tall.jpg"}, {"focus", box}},
                                             {{"image", "tall.jpg"}, {"focus", {0.5, 0.05}}}}));
  const json plan = plan_of(dir / "show.json", cache_env(dir / "cache"));
  const double focus_px[4] = {51.2, 900, 256, 240};
  CHECK(holds(plan["slides"][0]["from"], focus_px));
  CHECK_FALSE(holds(plan["slides"][0]["from"], k_face));
  CHECK(double(plan["slides"][1]["from"][1]) == Approx(0));  // a point near the top: the band at the top
  CHECK(plan["subject_search"]["photos"] == 0);  // nothing was looked for

  const json off = {{"version", 1}, {"output", {{"width", 320}, {"height", 180}, {"fps", 10}}},
                    {"defaults", {{"focus", "none"}}}, {"slides", json::array({{{"image", "tall.jpg"}}})}};
  test::write_text(dir / "off.json", off.dump());
  const json plain = plan_of(dir / "off.json", cache_env(dir / "cache"));
  CHECK(plain["subject_search"]["photos"] == 0);
  CHECK_FALSE(holds(plain["slides"][0]["from"], k_face));
}

TEST_CASE("a show where nothing is found renders exactly as with finding turned off") {
  test::TempDir dir;
  make_noise(dir / "a.png");
  make_noise(dir / "b.png");
  const json slides = json::array({{{"image", "a.png"}, {"duration", 1}, {"motion", "auto"}},
                                   {{"image", "b.png"}, {"duration", 1}, {"motion", "auto"}}});
  write_show(dir / "found.json", slides, "160x90");
  json off = json::parse(test::read_text(dir / "found.json"));
  off["defaults"] = {{"focus", "none"}};
  test::write_text(dir / "off.json", off.dump());
  const json plan = plan_of(dir / "found.json", cache_env(dir / "cache"));
  REQUIRE(plan["subject_search"]["photos"] == 2);
  for (const json& slide : plan["slides"]) {
    CHECK(slide["faces"].empty());
    CHECK(slide["salient"].is_null());
  }
  for (const char* name : {"found", "off"}) {
    auto r = test::run(cache_env(dir / "cache") + test::quote(test::chunkreel_path()) + " render " +
                       test::quote(dir / (std::string(name) + ".json")) + " -o " +
                       test::quote(dir / (std::string(name) + ".mp4")) + " --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  CHECK(test::frame_md5s(dir / "found.mp4") == test::frame_md5s(dir / "off.mp4"));
}

TEST_CASE("subjects are found once: the plan is the same on every run, the cache answers, a changed photo is looked at again") {
  test::TempDir dir;
  make_tall_portrait(dir / "tall.jpg");
  write_show(dir / "show.json", json::array({{{"image", "tall.jpg"}, {"motion", "auto"}},
                                             {{"image", "tall.jpg"}}}));
  const std::string env = cache_env(dir / "cache");
  json first = plan_of(dir / "show.json", env);
  json second = plan_of(dir / "show.json", env);
  CHECK(first["subject_search"]["photos"] == 1);  // one file, two slides
  CHECK(first["subject_search"]["found"] == 1);
  CHECK(second["subject_search"]["found"] == 0);
  CHECK(second["subject_search"]["from_cache"] == 1);
  CHECK(first["slides"] == second["slides"]);
  // Without the cache, found again: the same boxes.
  json fresh = plan_of(dir / "show.json", cache_env(dir / "other-cache"));
  CHECK(fresh["subject_search"]["found"] == 1);
  CHECK(fresh["slides"] == first["slides"]);

  // The same picture saved again is another file: looked at again.
  auto r = test::run("ffmpeg -v error -y -i " + test::quote(dir / "tall.jpg") + " -q:v 5 " + test::quote(dir / "t2.jpg") +
                     " && mv " + test::quote(dir / "t2.jpg") + " " + test::quote(dir / "tall.jpg"));
  REQUIRE(r.exit_code == 0);
  CHECK(plan_of(dir / "show.json", env)["subject_search"]["found"] == 1);

  // A cache that cannot be written: one warning, and the plan goes on.
  test::write_text(dir / "not-a-folder", "x");
  test::CommandResult result;
  json uncached = plan_of(dir / "show.json", cache_env(dir / "not-a-folder"), &result);
  CHECK(uncached["subject_search"]["found"] == 1);
  CHECK(uncached["slides"][0]["faces"].size() == 1);
  const std::string warning = "warning: the cache of faces found is not kept";
  const size_t at = result.output.find(warning);
  CHECK(at != std::string::npos);
  CHECK(result.output.find(warning, at + 1) == std::string::npos);
}

TEST_CASE("the render's record and every chunk job carry the boxes found, so no worker or node looks again") {
  test::TempDir dir;
  make_tall_portrait(dir / "tall.jpg");
  const json cut = {{"type", "cut"}};
  write_show(dir / "show.json", json::array({{{"image", "tall.jpg"}, {"duration", 1}, {"motion", "auto"}, {"transition", cut}},
                                             {{"image", "tall.jpg"}, {"duration", 1}}}),
             "160x90");
  const std::string out = dir / "show.mp4";
  auto r = test::run(cache_env(dir / "cache") + test::quote(test::chunkreel_path()) + " render " +
                     test::quote(dir / "show.json") + " -o " + test::quote(out) +
                     " --workers 2 --chunk-seconds 1 --keep-chunks --quiet --report " + test::quote(dir / "r.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // The report lists the framing, and its page draws it on each photo's thumbnail.
  const json report = json::parse(test::read_text(dir / "r.json"));
  REQUIRE(report["framing"].size() == 2);
  CHECK(report["framing"][0]["faces"].size() == 1);
  const std::string page = test::read_text(dir / "r.html");
  CHECK(page.find("<h2>Framing</h2>") != std::string::npos);
  size_t figures = 0, thumbnails = 0;
  for (size_t at = page.find("<figure>"); at != std::string::npos; at = page.find("<figure>", at + 1)) ++figures;
  for (size_t at = page.find("href='data:image/jpeg;base64,/9j/"); at != std::string::npos;
       at = page.find("href='data:image/jpeg;base64,/9j/", at + 1))
    ++thumbnails;
  CHECK(figures == 2);
  CHECK(thumbnails == 2);  // a JPEG begins FF D8 FF: "/9j/" in base64
  CHECK(page.find("stroke='#fd0'") != std::string::npos);  // the face
  const json record = json::parse(test::read_text(out + ".parts/render.json"));
  const json& subjects = record["show"]["subjects"];
  REQUIRE(subjects.size() == 2);
  CHECK(subjects[0]["faces"].size() == 1);
  int jobs = 0;
  for (const auto& entry : fs::directory_iterator(out + ".parts")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("chunk_", 0) != 0 || entry.path().extension() != ".json") continue;
    const json job = json::parse(test::read_text(entry.path().string()));
    for (const json& slide : job["slides"]) {
      INFO(name);
      REQUIRE(slide.contains("subjects"));
      CHECK(slide["subjects"] == subjects[int(slide["index"])]);
    }
    ++jobs;
  }
  CHECK(jobs == 2);
}

TEST_CASE("init writes each framed slide's motion and the region found, for the user to edit") {
  test::TempDir dir;
  fs::create_directories(dir / "photos");
  make_tall_portrait(dir / "photos/a.jpg");
  make_noise(dir / "photos/b.png");
  auto r = test::run(cache_env(dir / "cache") + test::quote(test::chunkreel_path()) + " init " +
                     test::quote(dir / "photos") + " -o " + test::quote(dir / "show.json") + " --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json show = json::parse(test::read_text(dir / "show.json"));
  const json& framed = show["slides"][0];
  REQUIRE(framed["motion"].is_object());
  REQUIRE(framed["focus"].is_object());
  const json& box = framed["focus"]["box"];
  const json pixels = {double(box[0]) * 512, double(box[1]) * 1200, double(box[2]) * 512, double(box[3]) * 1200};
  CHECK(matches_face(pixels));
  CHECK(show["slides"][1]["motion"] == "auto");  // nothing found: as before
  CHECK_FALSE(show["slides"][1].contains("focus"));
  // The show written renders the motion it names.
  const json plan = plan_of(dir / "show.json", cache_env(dir / "cache"));
  CHECK(plan["subject_search"]["photos"] == 1);  // the framed slide no longer looks
  CHECK(holds(plan["slides"][0]["from"], k_face));
}

TEST_CASE("a bad focus is refused before any work, naming the field") {
  test::TempDir dir;
  make_tall_portrait(dir / "tall.jpg");
  for (const json& focus : {json{0.5, 1.5}, json{{"box", {0.2, 0.2, 0, 0.1}}}, json("faces")}) {
    write_show(dir / "show.json", json::array({{{"image", "tall.jpg"}, {"focus", focus}}}));
    auto r = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") + " -o " +
                       test::quote(dir / "out.mp4"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("slides[0].focus") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.mp4"));
  }
}
