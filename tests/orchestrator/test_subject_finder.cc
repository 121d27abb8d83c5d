// SPDX-License-Identifier: GPL-2.0-or-later
// The face finder on a real photograph (Grace Hopper's portrait, from
// Debian's python-matplotlib-data): the face is found where it is in the
// upright picture whatever the EXIF or container orientation, and a HEIC
// searched on its thumbnail item finds it where a whole decode does.

#include <catch2/catch.hpp>

#include <cstdio>
#include <vector>

#include "common/image_probe.h"
#include "orchestrator/subjects/subject_finder.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

const char* const k_portrait = test::k_portrait_photo;

Box face_in(const std::string& path) {
  INFO(path);
  Expected<ImageInfo> image = probe_image(path);
  REQUIRE(image.ok());
  INFO("probed " << image.value().stored_width << "x" << image.value().stored_height);
  Expected<SubjectFinder> finder = SubjectFinder::open();
  REQUIRE(finder.ok());
  Expected<FoundSubjects> found = finder.value().find(path, image.value());
  INFO((found ? "" : found.error().message));
  REQUIRE(found.ok());
  REQUIRE(found.value().subjects.faces.size() == 1);
  CHECK_FALSE(found.value().thumbnail_jpeg.empty());
  return found.value().subjects.faces[0];
}

void check_near(const Box& a, const Box& b) {
  INFO("found [" << a.x << ", " << a.y << ", " << a.width << ", " << a.height << "], expected [" << b.x << ", "
                 << b.y << ", " << b.width << ", " << b.height << "]");
  CHECK(std::abs(a.x + a.width / 2 - (b.x + b.width / 2)) < 0.04);
  CHECK(std::abs(a.y + a.height / 2 - (b.y + b.height / 2)) < 0.04);
  CHECK(std::abs(a.width - b.width) < 0.06);
}

// The portrait's pixels, upright, as 8-bit RGB.
std::vector<unsigned char> portrait_rgb() {
  std::vector<unsigned char> rgb(512 * 600 * 3);
  FILE* pipe = popen((std::string("ffmpeg -v error -i ") + k_portrait + " -f rawvideo -pix_fmt rgb24 -").c_str(), "r");
  REQUIRE(pipe);
  const size_t got = fread(rgb.data(), 1, rgb.size(), pipe);
  pclose(pipe);
  REQUIRE(got == rgb.size());
  return rgb;
}

}  // namespace

TEST_CASE("a face is found where it is in the upright photo, in each of the eight EXIF orientations") {
  test::TempDir dir;
  const Box upright = face_in(k_portrait);
  // ffmpeg's filters that store the upright picture so that orientation o
  // shows it upright again.
  const char* stored_as[9] = {"", "null", "hflip", "hflip,vflip", "vflip", "transpose=0", "transpose=2",
                              "transpose=3", "transpose=1"};
  for (int o = 2; o <= 8; ++o) {
    INFO("orientation " << o);
    const std::string path = dir / ("o" + std::to_string(o) + ".jpg");
    auto r = test::run(std::string("ffmpeg -v error -y -i ") + k_portrait + " -vf " + stored_as[o] + " -q:v 2 " +
                       test::quote(path));
    REQUIRE(r.exit_code == 0);
    test::add_exif_orientation(path, o, o % 2 == 0);
    check_near(face_in(path), upright);
  }
}

TEST_CASE("a HEIC is searched on its thumbnail item, upright, and finds the face a whole decode finds") {
  test::TempDir dir;
  const std::vector<unsigned char> rgb = portrait_rgb();
  const Box upright = face_in(k_portrait);
  for (int orientation : {1, 6}) {
    INFO("orientation " << orientation);
    // As a phone held upright stores it: turned a quarter back, with a
    // rotation that turns it upright again.
    const bool turn = orientation == 6;
    auto pixel = [&](int x, int y, double* v) {
      const int ux = turn ? 511 - y : x, uy = turn ? x : y;  // (x, y) of the stored picture
      for (int c = 0; c < 3; ++c) v[c] = rgb[(static_cast<size_t>(uy) * 512 + ux) * 3 + c] / 255.0;
    };
    const std::string whole = dir / ("whole" + std::to_string(orientation) + ".heic");
    const std::string thumbnailed = dir / ("thumb" + std::to_string(orientation) + ".heic");
    const int w = turn ? 600 : 512, h = turn ? 512 : 600;
    test::write_heif(whole, w, h, 8, false, orientation, false, pixel);
    test::write_heif(thumbnailed, w, h, 8, false, orientation, false, pixel, nullptr, 300);
    check_near(face_in(whole), upright);
    check_near(face_in(thumbnailed), upright);
  }
}
