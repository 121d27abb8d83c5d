// SPDX-License-Identifier: GPL-2.0-or-later
// Not part of ctest: prints the subjects found in each photo given, with the
// time each took (decoding the small copy included), as JSON lines, for
// scripts/bench-faces to score against hand-labelled boxes.

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/image_decoder.h"
#include "common/image_probe.h"
#include "orchestrator/subjects/subject_finder.h"

int main(int argc, char** argv) {
  using namespace chunkreel;
  Expected<SubjectFinder> finder = SubjectFinder::open();
  if (!finder) {
    std::fprintf(stderr, "%s\n", finder.error().message.c_str());
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    Expected<ImageInfo> image = probe_image(argv[i]);
    if (!image) {
      std::fprintf(stderr, "%s\n", image.error().message.c_str());
      return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    Expected<FoundSubjects> subjects = finder.value().find(argv[i], image.value());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!subjects) {
      std::fprintf(stderr, "%s\n", subjects.error().message.c_str());
      return 1;
    }
    nlohmann::json line = subjects_to_json(subjects.value().subjects);
    line["file"] = argv[i];
    line["width"] = image.value().width();
    line["height"] = image.value().height();
    line["seconds"] = seconds;
    // A whole decode of the same photo, the yardstick for the search's cost.
    const auto decode_start = std::chrono::steady_clock::now();
    Expected<DecodedImage> whole = decode_image(argv[i], image.value());
    if (!whole) {
      std::fprintf(stderr, "%s\n", whole.error().message.c_str());
      return 1;
    }
    line["decode_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - decode_start).count();
    std::printf("%s\n", line.dump().c_str());
  }
  return 0;
}
