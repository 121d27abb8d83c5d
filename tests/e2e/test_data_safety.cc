// SPDX-License-Identifier: GPL-2.0-or-later
// Never lose a user's file: every case here runs the real program on a real
// show and then checks that every file the user had is byte-identical, and
// that the render either succeeded or was refused with exit 2 naming the
// conflict.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

namespace {

// Every file under `root` (relative path -> bytes; a symlink -> its target).
using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const std::string& root) {
  Snapshot files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const std::string relative = fs::relative(it->path(), root).string();
    if (it->is_symlink())
      files[relative] = "link:" + fs::read_symlink(it->path()).string();
    else if (it->is_regular_file())
      files[relative] = test::read_text(it->path().string());
    else if (it->is_directory())
      files[relative + "/"] = "";
  }
  return files;
}

// What a user's folder holds: a show (project, photos, music) and a work
// folder of their own with a note in it.
struct UserFiles {
  test::TempDir dir;
  std::string show;     ///< the show's folder
  std::string project;  ///< show/show.json
  std::string mine;     ///< the user's own folder, with notes.txt
  Snapshot before;

  UserFiles() {
    project = test::make_sample(dir / "show", "--slides 3 --size 160x90 --photo 320x240 --seconds 1");
    show = dir / "show";
    mine = dir / "mine";
    fs::create_directories(mine);
    test::write_text(mine + "/notes.txt", "my notes\n");
    before = snapshot(dir.path());
  }

  test::CommandResult chunkreel(const std::string& args, const std::string& cwd = {}) const {
    const std::string cd = cwd.empty() ? "" : "cd " + test::quote(cwd) + " && ";
    return test::run(cd + test::quote(test::chunkreel_path()) + " " + args + " --quiet");
  }

  // Every file the user had before is still there, byte for byte; new files
  // are allowed only where `made` says so.
  void check_intact(const std::vector<std::string>& made = {}) const {
    Snapshot now = snapshot(dir.path());
    for (const auto& [path, bytes] : before) {
      INFO(path);
      REQUIRE(now.count(path) == 1);
      CHECK(now.at(path) == bytes);
    }
    for (const auto& [path, bytes] : now) {
      if (before.count(path)) continue;
      bool expected = false;
      for (const std::string& m : made) expected |= path == m || path.rfind(m + "/", 0) == 0;
      INFO("new file: " << path);
      CHECK(expected);
    }
  }
};

std::string first_image(const std::string& project) {
  return (fs::path(project).parent_path() /
          nlohmann::json::parse(test::read_text(project))["slides"][0]["image"].get<std::string>())
      .string();
}

std::string first_track(const std::string& project) {
  return (fs::path(project).parent_path() /
          nlohmann::json::parse(test::read_text(project))["audio"][0]["file"].get<std::string>())
      .string();
}

void check_refused(const test::CommandResult& r, const std::string& output, const std::string& field) {
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Matchers::Contains("chunkreel: error: "));
  CHECK_THAT(r.output, Catch::Matchers::Contains(output));
  CHECK_THAT(r.output, Catch::Matchers::Contains(field));
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') <= 3);
}

}  // namespace

TEST_CASE("a --work-dir naming a folder of the user's keeps its files and removes only chunkreel's") {
  UserFiles user;
  auto r = user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(user.dir / "a.mp4") +
                          " --work-dir " + test::quote(user.mine) + " --workers 2 --chunk-seconds 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  user.check_intact({"a.mp4"});
  CHECK(test::frame_md5s(user.dir / "a.mp4").size() > 0);
}

TEST_CASE("a --work-dir of . inside the show's folder deletes nothing there") {
  UserFiles user;
  auto r = user.chunkreel("render show.json -o ../b.mp4 --work-dir . --workers 2 --chunk-seconds 1", user.show);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  user.check_intact({"b.mp4"});
}

TEST_CASE("an output that is an input of the show is refused before any work") {
  UserFiles user;
  const std::string image = first_image(user.project), track = first_track(user.project);
  struct Case {
    std::string output, field;
  };
  const std::vector<Case> cases{{user.project, "the project file"},
                                {image, "slides[0].image"},
                                {track, "audio[0].file"}};
  for (const Case& c : cases) {
    SECTION("named directly: " + c.field) {
      check_refused(user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(c.output)),
                    c.output, c.field);
      user.check_intact();
    }
    // The output names the input through a link of either kind.
    auto through = [&](const std::string& link, void (*make)(const fs::path&, const fs::path&)) {
      make(c.output, link);
      user.before = snapshot(user.dir.path());
      check_refused(user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(link)), link,
                    c.field);
      user.check_intact();
    };
    SECTION("through a symlink: " + c.field) { through(user.dir / "link.mp4", fs::create_symlink); }
    SECTION("through a hard link: " + c.field) { through(user.dir / "hard.mp4", fs::create_hard_link); }
    SECTION("as the report: " + c.field) {
      check_refused(user.chunkreel("render " + test::quote(user.project) + " -o " +
                                   test::quote(user.dir / "c.mp4") + " --report " + test::quote(c.output)),
                    c.output, c.field);
      user.check_intact();
    }
  }
}

TEST_CASE("outputs that are folders, each other, or inside a work folder are refused") {
  UserFiles user;
  const std::string render = "render " + test::quote(user.project) + " -o ";
  check_refused(user.chunkreel(render + test::quote(user.mine)), user.mine, "is a folder");
  check_refused(user.chunkreel(render + test::quote(user.dir / "d.mp4") + " --report " + test::quote(user.dir / "d.mp4")),
                "d.mp4", "is the same file as -o");
  check_refused(user.chunkreel(render + test::quote(user.dir / "e.json") + " --report " + test::quote(user.dir / "e.json")),
                "e.json", "same file");
  user.check_intact();
  // A render that keeps its chunks; an output inside that folder is refused.
  REQUIRE(user.chunkreel(render + test::quote(user.dir / "k.mp4") + " --keep-chunks").exit_code == 0);
  check_refused(user.chunkreel(render + test::quote(user.dir / "k.mp4.parts/x.mp4")), "x.mp4",
                "work folder");
}

TEST_CASE("a folder chunkreel did not make is never taken over or removed") {
  UserFiles user;
  // The user's own folder, at the place of the default work folder.
  fs::create_directories(user.dir / "f.mp4.parts");
  test::write_text(user.dir / "f.mp4.parts/mine.txt", "keep\n");
  // A file that has an earlier chunkreel's temporary name beside the output.
  test::write_text(user.dir / "f.mp4.tmp", "also keep\n");
  user.before = snapshot(user.dir.path());
  auto r = user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(user.dir / "f.mp4"));
  check_refused(r, "f.mp4.parts", "did not make");
  user.check_intact();
  // With another work folder the render goes ahead; the user's files stay.
  r = user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(user.dir / "f.mp4") +
                     " --work-dir " + test::quote(user.mine));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  user.check_intact({"f.mp4"});
}

TEST_CASE("a --resume with --work-dir reuses its chunks and keeps the folder's own files") {
  UserFiles user;
  const std::string args = "render " + test::quote(user.project) + " -o " + test::quote(user.dir / "r.mp4") +
                           " --work-dir " + test::quote(user.mine) + " --workers 2 --chunk-seconds 1";
  auto first = user.chunkreel(args + " --keep-chunks");
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const Snapshot kept = snapshot(user.mine);
  CHECK(kept.size() > 2);  // notes.txt, chunkreel's folder and what is in it
  auto second = user.chunkreel(args + " --resume -y --report " + test::quote(user.dir / "r.json"));
  INFO(second.output);
  REQUIRE(second.exit_code == 0);
  const auto report = nlohmann::json::parse(test::read_text(user.dir / "r.json"));
  int reused = 0;
  for (const auto& chunk : report["chunks"]) reused += chunk["reused"].get<bool>();
  CHECK(reused == static_cast<int>(report["chunks"].size()));
  CHECK(reused >= 2);
  user.check_intact({"r.mp4", "r.json", "r.html"});
}

TEST_CASE("a batch gives each project its own work folder and refuses outputs over inputs") {
  UserFiles user;
  const std::string a = user.show + "/a.json", b = user.show + "/b.json";
  fs::copy_file(user.project, a);
  fs::copy_file(user.project, b);
  user.before = snapshot(user.dir.path());
  auto r = user.chunkreel("batch " + test::quote(a) + " " + test::quote(b) + " --out-dir " +
                          test::quote(user.dir / "out") + " --work-dir " + test::quote(user.mine) +
                          " --workers 2 --chunk-seconds 1");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const auto summary = nlohmann::json::parse(test::read_text(user.dir / "out/summary.json"));
  for (const auto& job : summary["jobs"]) CHECK(job["status"] == "ok");
  user.check_intact({"out"});

  // Writing the reports beside the projects would overwrite a.json itself.
  user.before = snapshot(user.dir.path());
  check_refused(user.chunkreel("batch " + test::quote(a) + " " + test::quote(b) + " --out-dir " + test::quote(user.show)),
                "a.json", "the project file");
  // One project's output over another project's photo.
  const std::string photo_named_like_output = user.dir / "out2/b.mp4";
  fs::create_directories(user.dir / "out2");
  fs::copy_file(first_image(user.project), photo_named_like_output);
  nlohmann::json other = nlohmann::json::parse(test::read_text(a));
  other["slides"][0]["image"] = photo_named_like_output;
  test::write_text(user.dir / "c.json", other.dump());
  user.before = snapshot(user.dir.path());
  check_refused(user.chunkreel("batch " + test::quote(user.dir / "c.json") + " " + test::quote(b) +
                               " --out-dir " + test::quote(user.dir / "out2")),
                "b.mp4", "slides[0].image");
  user.check_intact();
}

TEST_CASE("an existing output, report page or project is refused without -y, and replaced with it") {
  UserFiles user;
  const std::string render = "render " + test::quote(user.project) + " -o ";
  // A video the user made elsewhere, a page of their own, a hand-edited project.
  test::write_text(user.dir / "holiday.mp4", "my holiday video\n");
  test::write_text(user.dir / "notes.html", "<p>my page</p>\n");
  test::write_text(user.dir / "edited.json", "{\"my\": \"project\"}\n");
  fs::create_symlink(user.dir / "nowhere", user.dir / "dangling.mp4");
  user.before = snapshot(user.dir.path());

  check_refused(user.chunkreel(render + test::quote(user.dir / "holiday.mp4")), "holiday.mp4", "-y");
  check_refused(user.chunkreel(render + test::quote(user.dir / "new.mp4") + " --report " + test::quote(user.dir / "notes.json")),
                "notes.html", "exists");
  check_refused(user.chunkreel("init " + test::quote(user.show + "/photos") + " -o " + test::quote(user.dir / "edited.json")),
                "edited.json", "--overwrite");
  check_refused(user.chunkreel(render + test::quote(user.dir / "dangling.mp4")), "dangling.mp4", "exists");
  user.check_intact();

  // Asked for, by flag or by config key, the outputs are replaced.
  auto r = user.chunkreel(render + test::quote(user.dir / "holiday.mp4") + " -y --report " + test::quote(user.dir / "notes.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::frame_md5s(user.dir / "holiday.mp4").size() > 0);
  CHECK_THAT(test::read_text(user.dir / "notes.html"), Catch::Matchers::Contains("chunkreel"));
  test::write_text(user.dir / "yes.json", "{\"overwrite\": true}");
  r = user.chunkreel(render + test::quote(user.dir / "holiday.mp4") + " --config " + test::quote(user.dir / "yes.json"));
  CHECK(r.exit_code == 0);
  r = user.chunkreel("init " + test::quote(user.show + "/photos") + " --overwrite -o " + test::quote(user.dir / "edited.json"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(test::read_text(user.dir / "edited.json"), Catch::Matchers::Contains("\"slides\""));
  // Never an input, even with -y.
  check_refused(user.chunkreel(render + test::quote(user.project) + " -y"), "show.json", "the project file");
}

TEST_CASE("a file that appears at the output while chunkreel renders is left as it is") {
  UserFiles user;
  const std::string project = test::make_sample(user.dir / "long", "--slides 4 --size 320x180 --photo 640x480 --seconds 2");
  user.before = snapshot(user.dir.path());
  const std::string out = user.dir / "late.mp4";
  const int pid = test::spawn_logged({test::chunkreel_path(), "render", project, "-o", out, "--workers", "1"},
                                     user.dir / "late.log");
  // As soon as the work folder exists (validation is over), the user saves a file there.
  for (int i = 0; i < 3000 && !fs::exists(out + ".parts"); ++i) usleep(2000);
  REQUIRE(fs::exists(out + ".parts"));
  test::write_text(out, "saved meanwhile\n");
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string log = test::read_text(user.dir / "late.log");
  INFO(log);
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(log, Catch::Matchers::Contains("appeared there while chunkreel worked"));
  CHECK(test::read_text(out) == "saved meanwhile\n");
  CHECK(test::leftover_temporaries(user.dir.path()).empty());
  // Its chunks are kept, so the render can finish where the user wants it.
  auto r = user.chunkreel("render " + test::quote(project) + " -o " + test::quote(user.dir / "elsewhere.mp4") +
                          " --workers 1 --resume --report " + test::quote(user.dir / "elsewhere.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

TEST_CASE("a batch replaces only the outputs its own summary records") {
  UserFiles user;
  const std::string a = user.show + "/a.json";
  fs::copy_file(user.project, a);
  const std::string out = user.dir / "out";
  fs::create_directories(out);
  test::write_text(out + "/a.html", "<p>the user's own a.html</p>\n");
  user.before = snapshot(user.dir.path());
  const std::string batch = "batch " + test::quote(a) + " --out-dir " + test::quote(out) + " --workers 2";
  check_refused(user.chunkreel(batch), "a.html", "-y");
  user.check_intact();

  fs::remove(out + "/a.html");
  auto r = user.chunkreel(batch);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // Its own earlier outputs, recorded in its summary, it renders again.
  r = user.chunkreel(batch);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  // A summary.json that is not a batch's is the user's.
  const std::string other = user.dir / "other";
  fs::create_directories(other);
  test::write_text(other + "/summary.json", "my summary\n");
  check_refused(user.chunkreel("batch " + test::quote(a) + " --out-dir " + test::quote(other)), "summary.json", "-y");
  CHECK(test::read_text(other + "/summary.json") == "my summary\n");
}

TEST_CASE("two renders racing for one work folder: the second is refused naming the first") {
  UserFiles user;
  const std::string project = test::make_sample(user.dir / "long", "--slides 4 --size 320x180 --photo 640x480 --seconds 2");
  const std::string out = user.dir / "race.mp4";
  const int first = test::spawn_logged({test::chunkreel_path(), "render", project, "-o", out, "--workers", "1",
                                        "--keep-chunks"},
                                       user.dir / "first.log");
  for (int i = 0; i < 3000 && !fs::exists(out + ".parts/.chunkreel-lock"); ++i) usleep(2000);
  REQUIRE(fs::exists(out + ".parts/.chunkreel-lock"));
  auto second = user.chunkreel("render " + test::quote(project) + " -o " + test::quote(out) + " --workers 1");
  check_refused(second, "race.mp4.parts", "in use by chunkreel on");
  CHECK_THAT(second.output, Catch::Matchers::Contains("(pid " + std::to_string(first) + ")"));
  // A join typed into a local render's folder is refused: it has no farm to finish.
  check_refused(user.chunkreel("join " + test::quote(out + ".parts")), "race.mp4.parts", "not the work folder of a detached");
  int status = 0;
  waitpid(first, &status, 0);
  INFO(test::read_text(user.dir / "first.log"));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(test::frame_md5s(out).size() > 0);
  int chunks = 0;
  for (const auto& entry : fs::directory_iterator(out + ".parts"))
    chunks += entry.path().filename().string().rfind("chunk_", 0) == 0 && entry.path().extension() == ".mp4";
  CHECK(chunks >= 1);
  // Once the first has ended, the folder is free again.
  auto after = user.chunkreel("render " + test::quote(project) + " -o " + test::quote(out) + " -y --resume");
  CHECK(after.exit_code == 0);
}

TEST_CASE("a link planted at a temporary's name in the work folder is refused and its target untouched") {
  UserFiles user;
  const std::string out = user.dir / "t.mp4";
  auto r = user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(out) + " --keep-chunks");
  REQUIRE(r.exit_code == 0);
  // Someone with write access to the folder plants a link at a name chunkreel
  // writes through: the audio's temporary, then a job's.
  for (const char* name : {"audio.m4a.tmp", "chunk_00000.json.tmp"}) {
    const std::string planted = out + ".parts/" + name;
    fs::create_symlink(user.mine + "/notes.txt", planted);
    user.before = snapshot(user.dir.path());
    auto again = user.chunkreel("render " + test::quote(user.project) + " -o " + test::quote(out) + " -y --resume");
    check_refused(again, name, "a link chunkreel did not make");
    CHECK(test::read_text(user.mine + "/notes.txt") == "my notes\n");
    user.check_intact();
    fs::remove(planted);
  }
}
