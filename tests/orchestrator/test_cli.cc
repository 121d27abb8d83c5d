#include <catch2/catch.hpp>

#include "orchestrator/cli/command_line.h"

using namespace chunkreel;

TEST_CASE("render options parse") {
  auto c = parse_command_line({"render", "show.json", "-o", "out.mp4", "--workers", "3",
                               "--chunk-seconds", "7.5", "--report", "r.json", "--keep-chunks",
                               "--work-dir", "w", "--retries", "0", "--threads-per-worker", "2"});
  REQUIRE(c.ok());
  const RenderConfig& o = c.value().render;
  CHECK(o.project.path == "show.json");
  CHECK(o.output == "out.mp4");
  CHECK(o.plan.workers == 3);
  CHECK(o.plan.chunk_seconds == 7.5);
  CHECK(o.report == "r.json");
  CHECK(o.keep_chunks);
  CHECK(o.work_dir == "w");
  CHECK(o.retries == 0);
  CHECK(o.plan.threads_per_worker == 2);
}

TEST_CASE("bad arguments are refused with the argument named") {
  using Catch::Matchers::Contains;
  CHECK_THAT(parse_command_line({"render", "show.json"}).error().message, Contains("-o OUT.mp4"));
  CHECK_THAT(parse_command_line({"render", "-o", "x.mp4"}).error().message, Contains("project file"));
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--workers", "0"}).error().message,
             Contains("--workers"));
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--chunk-seconds", "-1"}).error().message,
             Contains("--chunk-seconds"));
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--frobnicate"}).error().message,
             Contains("unknown option '--frobnicate'"));
  CHECK_THAT(parse_command_line({"paint"}).error().message, Contains("unknown command 'paint'"));
}
