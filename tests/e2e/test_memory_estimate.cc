// The plan's memory estimate against a real worker's peak, measured here
// (the worker reports its own getrusage peak), never a number from another
// machine.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "common/chunk_job.h"
#include "common/image_probe.h"
#include "orchestrator/plan/memory_estimate.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

// The peak a worker reports in its "done" line after rendering `job`.
int64_t measured_peak(const ChunkJob& job, const std::string& job_path) {
  REQUIRE(write_chunk_job(job, job_path).ok());
  auto r = test::run(test::quote(test::worker_path()) + " " + test::quote(job_path) + " 2>/dev/null");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const size_t done = r.output.rfind("\"event\":\"done\"");
  REQUIRE(done != std::string::npos);
  const size_t begin = r.output.rfind('\n', done) == std::string::npos ? 0 : r.output.rfind('\n', done) + 1;
  const auto line = nlohmann::json::parse(r.output.substr(begin, r.output.find('\n', done) - begin));
  return line["peak_rss_bytes"].get<int64_t>();
}

}  // namespace

TEST_CASE("the memory estimate of a chunk holds the worker's measured peak, without erring wildly") {
  test::TempDir dir;
  const std::string photo = dir / "twelve.jpg";
  test::make_photo(photo, "4000x3000", "-q:v 3");
  auto info = probe_image(photo);
  REQUIRE(info.ok());

  ChunkJob job;
  job.frame_count = 45;
  job.output.width = 1280;
  job.output.height = 720;
  job.threads = 1;
  job.chunk_path = dir / "chunk.mp4";
  for (int i = 0; i < 2; ++i) {  // two slides with a crossfade: both photos on screen at once
    JobSlide slide;
    slide.span = {i, i * 0.5, 1.0, i == 0 ? 0.0 : 0.5, i == 0 ? 0.5 : 0.0};
    slide.image = photo;
    slide.image_width = info.value().width();
    slide.image_height = info.value().height();
    slide.motion.to.zoom = 1.25;
    slide.out_transition = i == 0 ? TransitionType::k_crossfade : TransitionType::k_cut;
    job.slides.push_back(slide);
  }
  const int64_t measured = measured_peak(job, dir / "job.json");

  ChunkMemoryInput input;
  input.output = &job.output;
  input.threads = job.threads;
  const int64_t estimate = estimate_chunk_peak(input);
  INFO("estimate " << estimate / double(1 << 20) << " MiB, measured " << measured / double(1 << 20) << " MiB");
  // Admission relies on the estimate not being below the peak; a budget
  // relies on it not being far above.
  CHECK(estimate >= measured);
  CHECK(estimate <= 3 * measured / 2);
}
