// SPDX-License-Identifier: GPL-2.0-or-later
// The sbatch lines a farm render submits, as data.

#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/run/slurm_commands.h"
#include "orchestrator/run/slurm_runner.h"

using namespace chunkreel;

TEST_CASE("array indices are listed in sorted ranges") {
  CHECK(array_index_list({0, 1, 2, 3}) == "0-3");
  CHECK(array_index_list({7, 2, 3, 9, 10, 3}) == "2-3,7,9-10");
  CHECK(array_index_list({5}) == "5");
}

TEST_CASE("a job array asks for the throttle, CPUs, memory, partition and the user's own arguments") {
  ArraySubmission array;
  array.indices = {0, 1, 2, 4};
  array.cpus_per_task = 2;
  array.mem_mib = 300;
  array.script = "/shared/w/slurm-task.sh";
  array.work_dir = "/shared/w";
  array.job_name = "chunkreel-show";
  SlurmSettings settings;
  settings.max_running = 3;
  settings.partition = "render";
  settings.extra_args = {"--account=lab", "--time=02:00:00"};
  const std::vector<std::string> argv = sbatch_array_argv(array, settings);
  auto has = [&](const std::string& arg) { return std::find(argv.begin(), argv.end(), arg) != argv.end(); };
  CHECK(argv.front() == "sbatch");
  CHECK(has("--parsable"));
  CHECK(has("--array=0-2,4%3"));
  CHECK(has("--cpus-per-task=2"));
  CHECK(has("--mem=300M"));
  CHECK(has("--partition=render"));
  CHECK(has("--account=lab"));
  CHECK(has("--time=02:00:00"));
  CHECK(has("--output=/shared/w/slurm-%A_%a.out"));
  CHECK(argv.back() == "/shared/w/slurm-task.sh");  // the user's arguments come before the script
}

TEST_CASE("a '%' in the work folder's name stays itself in sbatch's output file names") {
  ArraySubmission array;
  array.indices = {0, 1};
  array.script = "/shared/100% done/w/slurm-task.sh";
  array.work_dir = "/shared/100% done/w";
  const auto argv = sbatch_array_argv(array, SlurmSettings{});
  auto has = [&](const std::string& arg) { return std::find(argv.begin(), argv.end(), arg) != argv.end(); };
  CHECK(has("--output=/shared/100%% done/w/slurm-%A_%a.out"));
  CHECK(has("--error=/shared/100%% done/w/slurm-%A_%a.err"));
  CHECK(has("--chdir=/shared/100% done/w"));  // not a pattern
  CHECK(argv.back() == "/shared/100% done/w/slurm-task.sh");
  const auto join = sbatch_after_argv("12", "chunkreel join w", "/shared/100% done/w", "j", SlurmSettings{});
  CHECK(std::find(join.begin(), join.end(), "--output=/shared/100%% done/w/slurm-join-%j.out") != join.end());
}

TEST_CASE("the join job waits for every task, whatever their outcome") {
  const auto argv = sbatch_after_argv("12:15", "chunkreel join /w", "/w", "chunkreel-join-show", SlurmSettings{});
  auto has = [&](const std::string& arg) { return std::find(argv.begin(), argv.end(), arg) != argv.end(); };
  CHECK(has("--dependency=afterany:12:15"));
  CHECK(has("--kill-on-invalid-dep=yes"));
  CHECK(argv.back() == "--wrap=chunkreel join /w");
}

TEST_CASE("tasks on their first request share one array at the largest estimate") {
  SlurmRunnerOptions options;
  options.work_dir = "/w";
  options.script = "/w/slurm-task.sh";
  options.estimated_peak_bytes = {{0, 100ll << 20}, {1, 200ll << 20}, {2, 150ll << 20}};
  SlurmRunner runner(options);
  const auto lines = runner.sbatch_lines({{0, 1, 0, ""}, {1, 1, 0, ""}, {2, 1, 0, ""}});
  REQUIRE(lines.size() == 1);
  CHECK(std::find(lines[0].begin(), lines[0].end(), "--mem=240M") != lines[0].end());  // 200 MiB + 20%
  runner.raise_memory(1, 480);
  const auto raised = runner.sbatch_lines({{0, 2, 0, ""}, {1, 2, 0, ""}});
  CHECK(raised.size() == 2);  // the raised one gets an array of its own
}

TEST_CASE("squeue's lines give each task's state, node and queue wait by the controller's clock") {
  std::string id;
  TaskState state;
  REQUIRE(parse_squeue_line("12_3|RUNNING|node1|2026-12-06T21:41:03|2026-12-06T21:41:10", &id, &state));
  CHECK(id == "12_3");
  CHECK(state.state == "RUNNING");
  CHECK(state.node == "node1");
  CHECK(state.queue_wait_s == 7);
  // Pending: no node and no start yet, whatever squeue prints for it.
  REQUIRE(parse_squeue_line("12_[4-7%2]|PENDING||2026-12-06T21:41:03|2026-12-06T21:45:00", &id, &state));
  CHECK(id == "12_[4-7%2]");
  CHECK(state.node.empty());
  CHECK(state.queue_wait_s == -1);
  REQUIRE(parse_squeue_line("12_5|COMPLETED|n2|2026-12-31T23:59:58|2027-01-01T00:00:03", &id, &state));
  CHECK(state.queue_wait_s == 5);
  REQUIRE(parse_squeue_line("12_6|FAILED|n2|2026-12-06T21:41:03|N/A", &id, &state));
  CHECK(state.queue_wait_s == -1);
  CHECK_FALSE(parse_squeue_line("", &id, &state));
  CHECK_FALSE(parse_squeue_line("garbage", &id, &state));
}
