// SPDX-License-Identifier: GPL-2.0-or-later
// The Debian package: CPack makes it from this build, it is unpacked into a
// temporary root (dpkg-deb -x, as a user would install it without
// touching the machine), and the unpacked chunkreel renders the sample show
// with the worker it finds in its own libexec folder. lintian must report
// no errors on it.

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include "tests/test_support.h"

using namespace chunkreel;
namespace fs = std::filesystem;

namespace {

// Builds the .deb from the suite's build into `dir`; returns its path.
std::string make_package(const std::string& dir) {
  auto made = test::run("cpack -G DEB --config " + test::quote(std::string(CHUNKREEL_BINARY_DIR) + "/CPackConfig.cmake") +
                        " -B " + test::quote(dir) + " 2>&1");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".deb") return entry.path().string();
  FAIL("cpack made no .deb");
  return "";
}

}  // namespace

// One test, so that one .deb is made at a time from the suite's build.
TEST_CASE("the .deb installs chunkreel and its files, renders from its unpacked root, and is clean under lintian") {
  test::TempDir dir;
  const std::string deb = make_package(dir.path());
  auto info = test::run("dpkg-deb -f " + test::quote(deb) + " Package Version Depends Recommends Suggests Section");
  REQUIRE(info.exit_code == 0);
  CHECK_THAT(info.output, Catch::Matchers::Contains("Package: chunkreel"));
  CHECK_THAT(info.output, Catch::Matchers::Contains("Version: " CHUNKREEL_VERSION));
  // Computed by dpkg-shlibdeps from the binaries, not written by hand.
  CHECK(std::regex_search(info.output, std::regex(R"(Depends:.*libavcodec[0-9]+ \(>= )")));
  CHECK(std::regex_search(info.output, std::regex(R"(Depends:.*libheif1 \(>= )")));
  CHECK_THAT(info.output, Catch::Matchers::Contains("Recommends: fonts-dejavu-core"));
  CHECK_THAT(info.output, Catch::Matchers::Contains("Suggests: slurm-client"));

  const std::string root = dir / "root";
  REQUIRE(test::run("dpkg-deb -x " + test::quote(deb) + " " + test::quote(root)).exit_code == 0);
  for (const char* path : {"usr/bin/chunkreel", "usr/libexec/chunkreel/chunkreel-worker",
                           "usr/share/man/man1/chunkreel.1.gz", "usr/share/bash-completion/completions/chunkreel",
                           "usr/share/chunkreel/show.schema.json", "usr/share/chunkreel/configs/balanced.json",
                           "usr/share/doc/chunkreel/copyright", "usr/share/doc/chunkreel/changelog.gz"}) {
    INFO(path);
    CHECK(fs::is_regular_file(fs::path(root) / path));
  }
  CHECK_FALSE(fs::exists(fs::path(root) / "usr/bin/chunkreel-worker"));
  CHECK_THAT(test::read_text(root + "/usr/share/doc/chunkreel/copyright"),
             Catch::Matchers::Contains("/usr/share/common-licenses/GPL-2"));

  // The unpacked chunkreel renders the sample show with the unpacked worker:
  // nothing named chunkreel-worker lies beside it, so it must find libexec.
  const std::string project = test::make_sample(dir / "show", "--slides 4 --size 320x180 --photo 640x400 --seconds 1.5");
  const std::string chunkreel = root + "/usr/bin/chunkreel";
  auto rendered = test::run(test::quote(chunkreel) + " render " + test::quote(project) + " -o " +
                            test::quote(dir / "show.mp4") + " --workers 2 --chunk-seconds 2 --report " +
                            test::quote(dir / "report.json") + " 2>&1");
  INFO(rendered.output);
  REQUIRE(rendered.exit_code == 0);
  auto probe = test::run("ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                         "-of csv=p=0 " + test::quote(dir / "show.mp4"));
  std::smatch planned;
  REQUIRE(std::regex_search(rendered.output, planned, std::regex(R"(chunkreel: ([0-9]+) frames)")));
  CHECK(probe.output == planned[1].str() + "\n");
  // --config finds the installed presets by their path, and --version runs.
  CHECK(test::run(test::quote(chunkreel) + " plan " + test::quote(project) + " --config " +
                  test::quote(root + "/usr/share/chunkreel/configs/balanced.json"))
            .exit_code == 0);
  CHECK(test::run(test::quote(chunkreel) + " --version").exit_code == 0);
  // man reads the installed page.
  auto man = test::run("MANWIDTH=80 man -l " + test::quote(root + "/usr/share/man/man1/chunkreel.1.gz") + " 2>&1");
  CHECK_THAT(man.output, Catch::Matchers::Contains("--memory-budget"));

  auto lintian = test::run("lintian --fail-on error --no-tag-display-limit " + test::quote(deb) + " 2>&1");
  INFO(lintian.output);
  CHECK(lintian.exit_code == 0);
  CHECK(lintian.output.find("\nE: ") == std::string::npos);
  CHECK(lintian.output.rfind("E: ", 0) != 0);
}
