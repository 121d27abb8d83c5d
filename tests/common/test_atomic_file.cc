// SPDX-License-Identifier: GPL-2.0-or-later
// Temporaries are created exclusively and never through a link, and a
// commit replaces a file at its path only when allowed to.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "common/atomic_file.h"
#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

TEST_CASE("a fixed temporary is never opened through a link, and a leftover file of that name is replaced") {
  test::TempDir dir;
  test::write_text(dir / "victim.txt", "the user's\n");
  fs::create_symlink(dir / "victim.txt", dir / "out.bin.tmp");
  auto refused = AtomicFile::create(dir / "out.bin", dir / "out.bin.tmp");
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Matchers::Contains("not a file chunkreel made"));
  CHECK(test::read_text(dir / "victim.txt") == "the user's\n");
  CHECK(fs::is_symlink(dir / "out.bin.tmp"));

  fs::remove(dir / "out.bin.tmp");
  test::write_text(dir / "out.bin.tmp", "an earlier run's leftover");
  REQUIRE(write_file_atomically(dir / "out.bin", "new\n", Replace::k_never, dir / "out.bin.tmp"));
  CHECK(test::read_text(dir / "out.bin") == "new\n");
  CHECK_FALSE(fs::exists(dir / "out.bin.tmp"));
}

TEST_CASE("a commit replaces a file at its path only when allowed") {
  test::TempDir dir;
  test::write_text(dir / "out.txt", "already here\n");
  auto kept = write_file_atomically(dir / "out.txt", "new\n", Replace::k_never);
  REQUIRE_FALSE(kept);
  CHECK_THAT(kept.error().message, Catch::Matchers::Contains("appeared there"));
  CHECK(test::read_text(dir / "out.txt") == "already here\n");
  CHECK(test::leftover_temporaries(dir.path()).empty());
  // A dangling link counts as a file there too.
  fs::create_symlink(dir / "nowhere", dir / "link.txt");
  CHECK_FALSE(write_file_atomically(dir / "link.txt", "new\n", Replace::k_never));
  CHECK(fs::is_symlink(dir / "link.txt"));
  REQUIRE(write_file_atomically(dir / "out.txt", "new\n", Replace::k_allowed));
  CHECK(test::read_text(dir / "out.txt") == "new\n");
  CHECK(rename_no_replace(dir / "out.txt", dir / "moved.txt") == 0);
  CHECK_FALSE(fs::exists(dir / "out.txt"));
}
