// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <filesystem>

#include "orchestrator/session/shared_pictures.h"
#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

TEST_CASE("a shared picture goes once every chunk that shows it has finished") {
  test::TempDir dir;
  for (const char* name : {"a.pic", "b.pic"}) test::write_text(dir / name, "x");
  SharedPictures pictures;
  pictures.add(0, 3, dir / "a.pic");
  pictures.add(1, 3, dir / "a.pic");
  pictures.add(1, 5, dir / "b.pic");
  pictures.add(2, 5, dir / "b.pic");
  pictures.add(2, 6, dir / "c.pic");  // not written yet
  CHECK(pictures.written(1) == std::set<int>{3, 5});
  CHECK(pictures.written(2) == std::set<int>{5});
  CHECK(pictures.written(7).empty());
  ChunkRun run;
  run.chunk = 1;
  pictures.chunk_finished(run);
  CHECK(fs::exists(dir / "a.pic"));
  CHECK(fs::exists(dir / "b.pic"));
  run.chunk = 2;
  pictures.chunk_finished(run);
  CHECK(fs::exists(dir / "a.pic"));
  CHECK_FALSE(fs::exists(dir / "b.pic"));
  CHECK(pictures.waiting() == 1);
  run.chunk = 0;
  pictures.chunk_finished(run);
  CHECK_FALSE(fs::exists(dir / "a.pic"));
  CHECK(pictures.waiting() == 0);
}
