// SPDX-License-Identifier: GPL-2.0-or-later
// The report's five warnings, each from the facts that should raise it and
// from no others.

#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/report/report.h"

using namespace chunkreel;

namespace {

// Two workers, four even 2 s chunks, a quick join and memory well inside
// its budget: a run with nothing to warn about.
RunFacts healthy_run() {
  RunFacts f;
  f.workers = 2;
  f.threads_per_worker = 1;
  for (int i = 0; i < 4; ++i) {
    ChunkRun run;
    run.chunk = i;
    run.attempts = 1;
    run.stats.wall_s = 2.0;
    run.stats.startup_s = 0.1;
    run.stats.frames = 60;
    f.runs.push_back(run);
  }
  f.phases = {0.1, 0.05, 4.0, 0.0, 0.1, 4.3};
  f.concat_wall_s = 0.1;
  f.memory_budget_bytes = 1ll << 30;
  f.concurrent_peak_rss_bytes = 500ll << 20;
  return f;
}

std::vector<std::string> codes(const RunFacts& f) {
  std::vector<std::string> found;
  for (const Warning& w : find_warnings(f)) found.push_back(w.code);
  return found;
}

}  // namespace

TEST_CASE("a healthy run raises no warning") { CHECK(codes(healthy_run()).empty()); }

TEST_CASE("each warning is raised by its own cause alone") {
  using V = std::vector<std::string>;
  RunFacts f = healthy_run();
  SECTION("concat_slow: the join took over 5 s") {
    f.concat_wall_s = 6;
    CHECK(codes(f) == V{"concat_slow"});
  }
  SECTION("concat_slow: the join took over 10% of the run") {
    f.concat_wall_s = 0.5;
    CHECK(codes(f) == V{"concat_slow"});
  }
  SECTION("overhead_dominated: a chunk spent over 20% of its time starting up") {
    f.runs[2].stats.startup_s = 0.5;
    CHECK(codes(f) == V{"overhead_dominated"});
  }
  SECTION("load_imbalance: a frame of the slowest chunk took over twice the mean") {
    f.runs[0].stats.wall_s = 7;
    CHECK(codes(f) == V{"load_imbalance"});
  }
  SECTION("memory_near_budget: workers peaked above 90% of the budget") {
    f.concurrent_peak_rss_bytes = 950ll << 20;
    CHECK(codes(f) == V{"memory_near_budget"});
  }
  SECTION("memory_near_budget needs a budget") {
    f.memory_budget_bytes = 0;
    f.concurrent_peak_rss_bytes = 950ll << 20;
    CHECK(codes(f).empty());
  }
  SECTION("low_efficiency: below 60%") {
    f.phases.total_s = 10;
    f.phases.render_s = 9.7;
    CHECK(codes(f) == V{"low_efficiency"});
  }
  SECTION("low_efficiency says nothing of a single worker") {
    f.workers = 1;
    f.phases.total_s = 10;
    CHECK(codes(f).empty());
  }
}

TEST_CASE("the report lists the warnings with their messages") {
  RunFacts f = healthy_run();
  f.concurrent_peak_rss_bytes = 950ll << 20;
  const nlohmann::json report = build_report(f);
  REQUIRE(report["warnings"].size() == 1);
  CHECK(report["warnings"][0]["code"] == "memory_near_budget");
  CHECK(report["warnings"][0]["message"].get<std::string>().find("93%") != std::string::npos);
}

TEST_CASE("the report counts the worker-seconds left idle in the tail") {
  RunFacts f = healthy_run();
  f.runs.resize(3);
  // Two workers: A runs 0-10; B 0-6, then C 6-8. Both are busy until 8, and
  // one idles from 8 to 10.
  const double spans[3][2] = {{0, 10}, {0, 6}, {6, 8}};
  for (int i = 0; i < 3; ++i) {
    f.runs[i].start_s = spans[i][0];
    f.runs[i].end_s = spans[i][1];
    f.runs[i].stats.wall_s = spans[i][1] - spans[i][0];
  }
  CHECK(build_report(f)["parallel"]["tail_idle_s"].get<double>() == Approx(2.0));
  f.runs[2].end_s = 10;  // C ends with A: no tail
  CHECK(build_report(f)["parallel"]["tail_idle_s"].get<double>() == Approx(0.0));
  // A gap before the tail (B ends at 4, C starts at 5) is not the tail:
  // both are busy again from 5 to 8, and only 8-10 counts.
  f.runs[1].end_s = 4;
  f.runs[2].start_s = 5;
  f.runs[2].end_s = 8;
  CHECK(build_report(f)["parallel"]["tail_idle_s"].get<double>() == Approx(2.0));
}
