// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/cli/command_line.h"
#include "tests/test_support.h"

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

TEST_CASE("a --config preset fills in what the flags leave automatic") {
  const std::string balanced = test::source_path("configs/balanced.json");
  auto c = parse_command_line({"render", "show.json", "-o", "out.mp4", "--config", balanced});
  REQUIRE(c.ok());
  const RenderConfig& preset = c.value().render;
  CHECK(preset.plan.workers == 4);
  CHECK(preset.plan.threads_per_worker == 2);
  CHECK(preset.plan.chunk_seconds == 20);
  CHECK(preset.plan.memory_budget == 8ll << 30);
  CHECK(preset.config_file == balanced);  // an input of the render from now on

  // Flags win over the file, wherever they stand on the line.
  c = parse_command_line({"render", "show.json", "--workers", "3", "-o", "out.mp4", "--config", balanced,
                          "--memory-budget", "2G"});
  REQUIRE(c.ok());
  const RenderConfig& mixed = c.value().render;
  CHECK(mixed.plan.workers == 3);
  CHECK(mixed.plan.memory_budget == 2ll << 30);
  CHECK(mixed.plan.chunk_seconds == 20);
  CHECK(mixed.plan.threads_per_worker == 2);
}

TEST_CASE("a bad --config file is refused naming the file and the field") {
  test::TempDir dir;
  using Catch::Matchers::Contains;
  test::write_text(dir / "typo.json", R"({"workerz": 2})");
  auto c = parse_command_line({"render", "s.json", "-o", "x.mp4", "--config", dir / "typo.json"});
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Contains("typo.json") && Contains("workerz"));
  test::write_text(dir / "range.json", R"({"workers": 0})");
  c = parse_command_line({"render", "s.json", "-o", "x.mp4", "--config", dir / "range.json"});
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Contains("range.json: workers"));
  c = parse_command_line({"render", "s.json", "-o", "x.mp4", "--config", dir / "missing.json"});
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Contains("missing.json: cannot read"));
}

TEST_CASE("farm options parse, repeat, and are refused without --backend slurm") {
  auto c = parse_command_line({"render", "s.json", "-o", "x.mp4", "--backend", "slurm", "--slurm-partition", "gpu",
                               "--slurm-max-running", "8", "--slurm-arg", "--account=lab", "--slurm-arg=--time=1:00:00",
                               "--slurm-mem", "2G", "--detach"});
  REQUIRE(c.ok());
  const RenderConfig& r = c.value().render;
  CHECK(r.backend == Backend::k_slurm);
  CHECK(r.slurm.partition == "gpu");
  CHECK(r.slurm.max_running == 8);
  CHECK(r.slurm.extra_args == std::vector<std::string>{"--account=lab", "--time=1:00:00"});
  CHECK(r.slurm.first_mem_bytes == 2ll << 30);
  CHECK(r.slurm.detach);
  using Catch::Matchers::Contains;
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--detach"}).error().message,
             Contains("--detach needs --backend slurm"));
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--slurm-max-running", "2"}).error().message,
             Contains("need --backend slurm"));
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--backend", "pbs"}).error().message,
             Contains("--backend needs local or slurm"));
  CHECK(parse_command_line({"join", "w"}).value().kind == CommandKind::k_join);
}

TEST_CASE("a config file can choose the farm, and a flag still wins") {
  test::TempDir dir;
  test::write_text(dir / "farm.json",
                   R"({"backend": "slurm", "slurm_partition": "night", "slurm_max_running": 4, "slurm_args": ["--qos=low"]})");
  auto c = parse_command_line({"render", "s.json", "-o", "x.mp4", "--config", dir / "farm.json"});
  REQUIRE(c.ok());
  CHECK(c.value().render.backend == Backend::k_slurm);
  CHECK(c.value().render.slurm.partition == "night");
  CHECK(c.value().render.slurm.max_running == 4);
  CHECK(c.value().render.slurm.extra_args == std::vector<std::string>{"--qos=low"});
  c = parse_command_line({"render", "s.json", "-o", "x.mp4", "--backend", "local", "--config", dir / "farm.json"});
  REQUIRE_FALSE(c.ok());  // local, as the flag says: then the file's farm settings do not apply
  CHECK_THAT(c.error().message, Catch::Matchers::Contains("need --backend slurm"));
}

namespace {

// The arguments a command needs besides the option under test.
std::vector<std::string> minimal_command(CommandKind kind) {
  switch (kind) {
    case CommandKind::k_render:
      return {"render", "show.json", "-o", "out.mp4"};
    case CommandKind::k_plan:
      return {"plan", "show.json"};
    case CommandKind::k_init:
      return {"init", "photos", "-o", "show.json"};
    case CommandKind::k_join:
      return {"join", "work"};
    default:
      return {"batch", "a.json", "--out-dir", "night"};
  }
}

}  // namespace

TEST_CASE("every option in the table parses for each command that takes it, and no other command takes it") {
  for (const OptionSpec& option : option_table()) {
    for (const CommandSpec& command : command_table()) {
      INFO(option.name << " on " << command.name);
      std::vector<std::string> args = minimal_command(command.kind);
      // An option that repeats what the minimal command gives replaces it.
      for (const std::string& given : {option.name, option.short_name}) {
        auto found = std::find(args.begin(), args.end(), given);
        if (!given.empty() && found != args.end()) args.erase(found, found + 2);
      }
      args.push_back(option.name);
      if (option.takes_value())
        args.push_back(option.name == "--config" ? test::source_path(option.example) : option.example);
      const bool is_farm = option.group == OptionGroup::k_farm && option.name != "--backend";
      if (is_farm) args.insert(args.end(), {"--backend", "slurm"});
      auto parsed = parse_command_line(args);
      if (option.applies_to(command.kind)) {
        CHECK(parsed.ok());
        if (!parsed.ok()) FAIL_CHECK(parsed.error().message);
        // The short form is the same option.
        if (!option.short_name.empty()) {
          std::replace(args.begin(), args.end(), option.name, option.short_name);
          CHECK(parse_command_line(args).ok());
        }
      } else {
        REQUIRE_FALSE(parsed.ok());
        CHECK_THAT(parsed.error().message, Catch::Matchers::Contains(option.name + " is an option of"));
      }
    }
  }
}

TEST_CASE("choices in the table are the values the parser takes") {
  TransitionType type;
  const OptionSpec* transition = find_option("--transition");
  REQUIRE(transition);
  CHECK(transition->choices.size() == 9);
  for (const std::string& name : transition->choices) CHECK(parse_transition_type(name, &type));
  for (const std::string& kind : find_option("--captions")->choices)
    CHECK(parse_command_line({"init", "photos", "-o", "s.json", "--captions", kind}).ok());
  for (const std::string& backend : find_option("--backend")->choices)
    CHECK(parse_command_line({"render", "s.json", "-o", "x.mp4", "--backend", backend}).ok());
}

TEST_CASE("an unknown option suggests the nearest of the command's own") {
  CHECK(nearest_option("--worker", CommandKind::k_render) == std::optional<std::string>("--workers"));
  CHECK(nearest_option("--wokrers", CommandKind::k_render) == std::optional<std::string>("--workers"));
  CHECK(nearest_option("--thread", CommandKind::k_render) == std::optional<std::string>("--threads-per-worker"));
  CHECK(nearest_option("--chunk-second", CommandKind::k_plan) == std::optional<std::string>("--chunk-seconds"));
  CHECK(nearest_option("--overwirte", CommandKind::k_join) == std::optional<std::string>("--overwrite"));
  CHECK(nearest_option("--caption", CommandKind::k_init) == std::optional<std::string>("--captions"));
  CHECK_FALSE(nearest_option("--frobnicate", CommandKind::k_render));
  // Only the command's own: join has no --workers to suggest.
  CHECK(nearest_option("--worker", CommandKind::k_join) != std::optional<std::string>("--workers"));
  CHECK(nearest_command("rendr") == std::optional<std::string>("render"));
  CHECK(nearest_command("bacth") == std::optional<std::string>("batch"));
  CHECK_FALSE(nearest_command("paint"));
  using Catch::Matchers::Contains;
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--worker", "2"}).error().message,
             Contains("did you mean --workers?"));
  CHECK_THAT(parse_command_line({"render", "s.json", "-o", "x.mp4", "--keep-chunks=yes"}).error().message,
             Contains("--keep-chunks takes no value"));
}

TEST_CASE("help is per command") {
  auto general = parse_command_line({"--help"});
  REQUIRE(general.ok());
  CHECK(general.value().kind == CommandKind::k_help);
  CHECK_FALSE(general.value().help_topic);
  auto plan = parse_command_line({"plan", "--workers", "2", "--help"});
  REQUIRE(plan.ok());
  CHECK(plan.value().help_topic == std::optional<CommandKind>(CommandKind::k_plan));
  auto named = parse_command_line({"help", "batch"});
  REQUIRE(named.ok());
  CHECK(named.value().help_topic == std::optional<CommandKind>(CommandKind::k_batch));
  CHECK_FALSE(parse_command_line({"help", "paint"}).ok());
  auto titled = parse_command_line({"init", "photos", "-o", "s.json", "--title", "--help"});
  REQUIRE(titled.ok());
  CHECK(titled.value().render.project.folder.title == "--help");
}
