// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/test_support.h"
#include "worker/picture_file.h"

using namespace chunkreel;
namespace fs = std::filesystem;

namespace {

// A picture of odd size with a different value in every sample.
SourcePicture test_picture(int width, int height) {
  Picture picture;
  picture.resize(width, height);
  for (int i = 0; i < 3; ++i) {
    Plane& plane = picture.plane(i);
    for (size_t k = 0; k < plane.data.size(); ++k)
      plane.data[k] = (i == 0 ? 0.0f : -0.5f) + float((k * 7919 + i) % 1000) / 1000.0f;
  }
  return SourcePicture::from(picture);
}

bool same(const SourcePicture& a, const SourcePicture& b) {
  for (int i = 0; i < 3; ++i) {
    const BlockedPlane &p = a.plane(i), &q = b.plane(i);
    if (p.width != q.width || p.height != q.height || p.scale != q.scale || p.offset != q.offset ||
        p.data != q.data)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a shared picture reads back bit for bit, and only when whole and asked for") {
  test::TempDir dir;
  const SourcePicture picture = test_picture(101, 37);
  const std::string path = dir / "picture_00003_abc.pic";
  REQUIRE(write_picture_file(picture, path, path + ".chunk00001.tmp", 0));
  CHECK_FALSE(fs::exists(path + ".chunk00001.tmp"));

  std::optional<SourcePicture> read = read_picture_file(path, 101, 37);
  REQUIRE(read);
  CHECK(same(*read, picture));

  // Another size than the slide needs, a missing file, or the same bytes
  // under another name are not taken.
  CHECK_FALSE(read_picture_file(path, 100, 37));
  CHECK_FALSE(read_picture_file(path, 101, 38));
  CHECK_FALSE(read_picture_file(dir / "missing.pic", 101, 37));
  fs::copy_file(path, dir / "picture_00004_abc.pic");
  CHECK_FALSE(read_picture_file(dir / "picture_00004_abc.pic", 101, 37));

  // A file cut short, or one byte longer, is not whole.
  const auto size = fs::file_size(path);
  fs::resize_file(path, size - 1);
  CHECK_FALSE(read_picture_file(path, 101, 37));
  fs::resize_file(path, size + 1);
  CHECK_FALSE(read_picture_file(path, 101, 37));
  fs::resize_file(path, 0);
  CHECK_FALSE(read_picture_file(path, 101, 37));
}

TEST_CASE("a shared picture is not written into the disk's last free bytes") {
  test::TempDir dir;
  const std::string path = dir / "picture_00000_abc.pic";
  Expected<void> written =
      write_picture_file(test_picture(64, 64), path, path + ".chunk00000.tmp", int64_t{1} << 60);
  CHECK_FALSE(written);
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".chunk00000.tmp"));
}
