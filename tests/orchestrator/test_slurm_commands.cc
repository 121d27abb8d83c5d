// SPDX-License-Identifier: GPL-2.0-or-later
// The sbatch lines a farm render submits, as data.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>

#include "orchestrator/run/slurm_commands.h"
#include "orchestrator/run/slurm_client.h"
#include "orchestrator/run/slurm_runner.h"
#include "tests/test_support.h"

using namespace chunkreel;

TEST_CASE("a job array asks for the throttle, CPUs, memory, partition and the user's own arguments") {
  ArraySubmission array;
  array.chunks = {0, 1, 2, 4};
  array.manifest = "/shared/w/slurm-tasks-1.txt";
  array.comment = "chunkreel-0123456789abcdef";
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
  CHECK(has("--array=0-3%3"));  // tasks 0 to 3; the manifest maps them to chunks
  CHECK(has("--comment=chunkreel-0123456789abcdef"));
  CHECK(has("--cpus-per-task=2"));
  CHECK(has("--mem=300M"));
  CHECK(has("--partition=render"));
  CHECK(has("--account=lab"));
  CHECK(has("--time=02:00:00"));
  CHECK(has("--output=/shared/w/slurm-%A_%a.out"));
  // The user's arguments come before the script, and the manifest is the script's argument.
  CHECK(argv[argv.size() - 2] == "/shared/w/slurm-task.sh");
  CHECK(argv.back() == "/shared/w/slurm-tasks-1.txt");
}

TEST_CASE("a task manifest lists one chunk a line, task 0's first") {
  CHECK(task_manifest_text({4, 9, 12}) == "4\n9\n12\n");
}

TEST_CASE("a '%' in the work folder's name stays itself in sbatch's output file names") {
  ArraySubmission array;
  array.chunks = {0, 1};
  array.script = "/shared/100% done/w/slurm-task.sh";
  array.manifest = "/shared/100% done/w/slurm-tasks-1.txt";
  array.work_dir = "/shared/100% done/w";
  const auto argv = sbatch_array_argv(array, SlurmSettings{});
  auto has = [&](const std::string& arg) { return std::find(argv.begin(), argv.end(), arg) != argv.end(); };
  CHECK(has("--output=/shared/100%% done/w/slurm-%A_%a.out"));
  CHECK(has("--error=/shared/100%% done/w/slurm-%A_%a.err"));
  CHECK(has("--chdir=/shared/100% done/w"));  // not a pattern
  CHECK(argv[argv.size() - 2] == "/shared/100% done/w/slurm-task.sh");
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
  options.keep_trying = [] { return false; };
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

TEST_CASE("a finished task's run time is its end less its start, by the controller's clock") {
  std::string id;
  TaskState state;
  REQUIRE(parse_squeue_line("12_5|COMPLETED|n2|2026-12-06T21:41:03|2026-12-06T21:41:10|2026-12-06T21:42:00", &id,
                            &state));
  CHECK(state.queue_wait_s == 7);
  CHECK(state.run_s == 50);
  // Still running: squeue prints the end its time limit would give; no run time yet.
  REQUIRE(parse_squeue_line("12_6|RUNNING|n2|2026-12-06T21:41:03|2026-12-06T21:41:10|2026-12-07T21:41:10", &id,
                            &state));
  CHECK(state.run_s == -1);
}

TEST_CASE("squeue's output lists pending ranges task by task") {
  const auto tasks = parse_squeue_output(
      "40_[3-5%2]|PENDING||2026-12-06T21:41:03|N/A|N/A\n"
      "40_1|RUNNING|cr2|2026-12-06T21:41:03|2026-12-06T21:41:04|N/A\n"
      "not a line\n");
  REQUIRE(tasks.size() == 4);
  CHECK(tasks.at("40_3").state == "PENDING");
  CHECK(tasks.at("40_5").state == "PENDING");
  CHECK(tasks.at("40_1").node == "cr2");
}

TEST_CASE("the controller's array and job limits are read from scontrol, with Slurm's defaults where it is silent") {
  const SlurmLimits limits = parse_slurm_limits(
      "Configuration data as of 2026-12-07T04:19:09\n"
      "MaxArraySize            = 8\n"
      "MaxJobCount             = 250\n"
      "MaxJobId                = 67043328\n");
  CHECK(limits.max_array_size == 8);
  CHECK(limits.max_job_count == 250);
  const SlurmLimits silent = parse_slurm_limits("AccountingStorageType   = accounting_storage/none\n");
  CHECK(silent.max_array_size == 1001);
  CHECK(silent.max_job_count == 10000);
}

TEST_CASE("Slurm's transient errors are told from lasting ones") {
  CHECK(is_transient_failure("squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation"));
  CHECK(is_transient_failure("sbatch: error: Batch job submission failed: Resource temporarily unavailable"));
  CHECK(is_transient_failure("squeue: error: Unable to contact slurm controller (connect failure)"));
  CHECK_FALSE(is_transient_failure("sbatch: error: Batch job submission failed: Invalid partition name specified"));
  CHECK_FALSE(is_transient_failure("squeue: error: Invalid job id specified"));
}

TEST_CASE("a node failure, a preemption or a requeue is a lost task, not a failed one") {
  for (const char* state : {"NODE_FAIL", "PREEMPTED", "REQUEUED", "BOOT_FAIL"}) CHECK(is_lost_state(state));
  for (const char* state : {"FAILED", "CANCELLED", "OUT_OF_MEMORY", "COMPLETED", "PENDING"})
    CHECK_FALSE(is_lost_state(state));
}

TEST_CASE("squeue is asked every 2 s at first, less often as the render goes on, and never less than every 30 s") {
  CHECK(squeue_interval_s(0) == 2);
  CHECK(squeue_interval_s(60) == 4);
  CHECK(squeue_interval_s(600) == 22);
  CHECK(squeue_interval_s(3600) == 30);
  for (double t = 0; t < 7200; t += 7) CHECK(squeue_interval_s(t + 7) >= squeue_interval_s(t));
}

TEST_CASE("a plan larger than MaxArraySize is split into arrays, each with its own manifest") {
  // scontrol's limits, from a fake scontrol on PATH.
  test::TempDir bin;
  test::write_text(bin / "scontrol", "#!/bin/sh\necho 'MaxArraySize            = 4'\n");
  REQUIRE(::chmod((bin / "scontrol").c_str(), 0755) == 0);
  test::ScopedPath path(bin.path());
  SlurmRunnerOptions options;
  options.work_dir = "/w";
  options.script = "/w/slurm-task.sh";
  SlurmRunner runner(options);
  std::vector<WorkerTask> tasks;
  for (int chunk = 0; chunk < 10; ++chunk) tasks.push_back({chunk, 1, 0, ""});
  const auto lines = runner.sbatch_lines(tasks);
  REQUIRE(lines.size() == 3);
  auto has = [](const std::vector<std::string>& argv, const std::string& arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
  };
  CHECK(has(lines[0], "--array=0-3"));
  CHECK(has(lines[1], "--array=0-3"));
  CHECK(has(lines[2], "--array=0-1"));
  CHECK(lines[0].back() == "/w/slurm-tasks-1.txt");
  CHECK(lines[2].back() == "/w/slurm-tasks-3.txt");
}
