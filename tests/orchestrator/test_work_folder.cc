// SPDX-License-Identifier: GPL-2.0-or-later
// chunkreel's own work folder: it removes only what it recorded, and it never
// adopts a place that something else holds.

#include <catch2/catch.hpp>

#include <filesystem>

#include "orchestrator/session/work_folder.h"
#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

TEST_CASE("a work folder removes what it recorded and nothing else") {
  test::TempDir dir;
  const std::string given = dir / "given";
  auto opened = WorkFolder::open(dir / "out.mp4", given);
  REQUIRE(opened.ok());
  WorkFolder work = std::move(opened.value());
  CHECK(fs::path(work.path()).parent_path() == fs::path(given));
  CHECK(WorkFolder::is_work_folder(work.path()));
  auto chunk = work.claim("chunk_00000.mp4");
  REQUIRE(chunk.ok());
  test::write_text(chunk.value(), "chunk");
  test::write_text(chunk.value() + ".tmp", "half a chunk");
  test::write_text(work.path() + "/theirs.txt", "not chunkreel's");
  CHECK_FALSE(work.claim("../escape").ok());
  CHECK_FALSE(work.claim("..").ok());

  work.remove();
  CHECK_FALSE(fs::exists(chunk.value()));
  CHECK_FALSE(fs::exists(chunk.value() + ".tmp"));
  CHECK(test::read_text(work.path() + "/theirs.txt") == "not chunkreel's");
  CHECK(fs::exists(given));  // not empty, so it stays although open() made it

  fs::remove(work.path() + "/theirs.txt");
  auto again = WorkFolder::open(dir / "out.mp4", given);  // an empty folder is adopted...
  REQUIRE(again.ok());
  again.value().remove();
  CHECK(fs::exists(again.value().path()));  // ...and left in place
}

TEST_CASE("a work folder refuses a place it did not make") {
  test::TempDir dir;
  fs::create_directories(dir / "out.mp4.parts");
  test::write_text(dir / "out.mp4.parts/photo.jpg", "a user's photo");
  auto taken = WorkFolder::open(dir / "out.mp4", "");
  REQUIRE_FALSE(taken.ok());
  CHECK_THAT(taken.error().message, Catch::Matchers::Contains("did not make"));

  fs::create_directories(dir / "elsewhere");
  fs::create_directory_symlink(dir / "elsewhere", dir / "link.mp4.parts");
  CHECK_FALSE(WorkFolder::open(dir / "link.mp4", "").ok());

  test::write_text(dir / "file", "x");
  auto not_folder = WorkFolder::open(dir / "x.mp4", dir / "file");
  REQUIRE_FALSE(not_folder.ok());
  CHECK_THAT(not_folder.error().message, Catch::Matchers::Contains("is not a folder"));
}

TEST_CASE("two outputs with one name get two work folders in one --work-dir") {
  test::TempDir dir;
  CHECK(WorkFolder::location(dir / "a/show.mp4", dir / "w") != WorkFolder::location(dir / "b/show.mp4", dir / "w"));
  CHECK(WorkFolder::location(dir / "show.mp4", "") == dir / "show.mp4.parts");
}
