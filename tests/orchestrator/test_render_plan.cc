// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/plan/memory_estimate.h"
#include "orchestrator/plan/render_plan.h"

using namespace chunkreel;

namespace {

Project project_of(int slides, double seconds, int image_w = 4000, int image_h = 3000) {
  Project p;
  for (int i = 0; i < slides; ++i) {
    Slide s;
    s.image = "/photos/" + std::to_string(i) + ".jpg";
    s.duration = seconds;
    s.transition = {TransitionType::k_crossfade, 0.5};
    p.timeline.slides.push_back(s);
    p.images.push_back(ImageInfo{ImageFormat::k_jpeg, image_w, image_h, 1, 0});
  }
  p.timing = compute_timing(p.timeline.slides, p.timeline.output.fps);
  return p;
}

}  // namespace

TEST_CASE("a short show renders as one chunk with every core in its encoder") {
  Project p = project_of(2, 2.0);  // 3.5 s
  auto plan = make_render_plan(p, PlanSettings{}, Machine{2, 16ll << 30});
  REQUIRE(plan.ok());
  CHECK(plan.value().chunks.size() == 1);
  CHECK(plan.value().workers == 1);
  CHECK(plan.value().threads_per_worker == 2);
  CHECK_THAT(plan.value().reason, Catch::Matchers::Contains("one chunk"));
}

TEST_CASE("a long show gets several chunks per worker and one thread each on two cores") {
  Project p = project_of(12, 5.0);
  auto plan = make_render_plan(p, PlanSettings{}, Machine{2, 16ll << 30});
  REQUIRE(plan.ok());
  CHECK(plan.value().workers == 2);
  CHECK(plan.value().threads_per_worker == 1);
  CHECK(plan.value().chunks.size() >= 8);  // about four per worker, and a half-length tail
  CHECK(plan.value().chunk_peak_bytes.size() == plan.value().chunks.size());
}

TEST_CASE("a budget below the largest estimate is not refused: the plan measures first") {
  Project p = project_of(4, 5.0);
  PlanSettings options;
  options.memory_budget = 64ll << 20;
  auto plan = make_render_plan(p, options, Machine{2, 16ll << 30});
  REQUIRE(plan.ok());
  CHECK(plan.value().measure_first);
  CHECK_THAT(plan.value().reason, Catch::Matchers::Contains("runs alone first"));
  PlanSettings roomy;
  roomy.memory_budget = 64ll << 30;
  CHECK_FALSE(make_render_plan(p, roomy, Machine{2, 16ll << 30}).value().measure_first);
}

namespace {

// The largest chunk estimate of the automatic plan with `threads` encoder
// threads a worker.
int64_t largest_estimate(const Project& p, int threads) {
  PlanSettings options;
  options.threads_per_worker = threads;
  auto plan = make_render_plan(p, options, Machine{2, 16ll << 30});
  REQUIRE(plan.ok());
  const auto& peaks = plan.value().chunk_peak_bytes;
  return *std::max_element(peaks.begin(), peaks.end());
}

}  // namespace

TEST_CASE("a budget that holds one worker plans one worker with every core") {
  Project p = project_of(12, 5.0);
  PlanSettings options;
  options.memory_budget = with_estimate_room(largest_estimate(p, 2)) + (1 << 20);
  REQUIRE(options.memory_budget < 2 * with_estimate_room(largest_estimate(p, 1)));
  auto plan = make_render_plan(p, options, Machine{2, 16ll << 30});
  REQUIRE(plan.ok());
  CHECK_FALSE(plan.value().measure_first);
  CHECK(plan.value().workers == 1);
  CHECK(plan.value().threads_per_worker == 2);
  CHECK(plan.value().budget_given);
}

TEST_CASE("a budget that holds one single-threaded encoder keeps its worker at one thread") {
  Project p = project_of(12, 5.0);
  PlanSettings options;
  options.memory_budget = with_estimate_room(largest_estimate(p, 1)) + (1 << 20);
  REQUIRE(options.memory_budget < with_estimate_room(largest_estimate(p, 2)));
  auto plan = make_render_plan(p, options, Machine{2, 16ll << 30});
  REQUIRE(plan.ok());
  CHECK_FALSE(plan.value().measure_first);
  CHECK(plan.value().workers == 1);
  CHECK(plan.value().threads_per_worker == 1);
  CHECK_THAT(plan.value().reason, Catch::Matchers::Contains("inside the memory budget"));
  for (int64_t peak : plan.value().chunk_peak_bytes) CHECK(with_estimate_room(peak) <= options.memory_budget);
}

// Estimates come to within a few percent of measured peaks, on either
// side, so a budget just above one is not shown to hold by it: a lone
// two-thread worker estimated at 302.5 MiB peaked at 310.7 MiB, past a
// budget of 309 MiB that the plan had given two threads.
TEST_CASE("a budget just above an estimate is not taken to hold it") {
  Project p = project_of(12, 5.0);
  SECTION("just above the one-thread estimate: the largest chunk is measured first") {
    PlanSettings options;
    options.memory_budget = largest_estimate(p, 1) + (1 << 20);
    auto plan = make_render_plan(p, options, Machine{2, 16ll << 30});
    REQUIRE(plan.ok());
    CHECK(plan.value().measure_first);
    CHECK(plan.value().threads_per_worker == 1);
    CHECK_THAT(plan.value().reason, Catch::Matchers::Contains("within the estimates' error"));
  }
  SECTION("just above the two-thread estimate: one thread") {
    PlanSettings options;
    options.memory_budget = largest_estimate(p, 2) + (1 << 20);
    auto plan = make_render_plan(p, options, Machine{2, 16ll << 30});
    REQUIRE(plan.ok());
    CHECK(plan.value().workers == 1);
    CHECK(plan.value().threads_per_worker == 1);
  }
}

TEST_CASE("without a budget the plan stays inside available memory") {
  Project p = project_of(12, 5.0);
  auto plan = make_render_plan(p, PlanSettings{}, Machine{8, 600ll << 20});
  REQUIRE(plan.ok());
  CHECK(plan.value().workers < 8);
  CHECK(plan.value().memory_budget == 480ll << 20);
}
