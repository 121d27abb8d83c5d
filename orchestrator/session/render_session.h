// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One render, in three phases, so a batch can overlap them across projects:
//   1. construction: validate everything, lock the work folder, plan (or
//      take the plan a resume finds recorded there for the same show),
//      record the plan (session/render_record.h), write the chunk jobs;
//   2. render(): run the workers (the soundtrack encodes alongside);
//   3. finish(): wait for the audio, join by stream copy, report, clean up.
// Each phase throws Fatal on failure (exit code 2 for invalid input, 1 for a
// failed render, 130 when interrupted: Ctrl-C and SIGTERM are honoured in
// every phase, the audio wait and the join included). finish() may run on
// another thread while the next session renders; a session does not move
// once built.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/plan/render_plan.h"
#include "orchestrator/project/project_check.h"
#include "orchestrator/report/line_printer.h"
#include "orchestrator/report/report.h"
#include "orchestrator/run/memory_sampler.h"
#include "orchestrator/run/scheduler.h"
#include "orchestrator/run/slurm_runner.h"
#include "orchestrator/session/render_config.h"
#include "orchestrator/session/render_record.h"
#include "orchestrator/session/shared_pictures.h"
#include "orchestrator/session/work_folder.h"

namespace chunkreel {

class AudioTask;

/// What a finished render made.
struct RenderOutcome {
  std::string output;       ///< absolute path of the MP4
  int64_t frames = 0;
  std::string content_key;  ///< the show's identity (project_key)
  double finished_at = 0;   ///< when the output was complete, in seconds since the epoch
};

class RenderSession {
 public:
  explicit RenderSession(RenderConfig config);
  /// The join of a detached farm render: the recorded show and plan as they
  /// are (no validation of the photos, no planning), in the work folder the
  /// record lies in.
  RenderSession(RenderRecord record, bool quiet);
  ~RenderSession();
  RenderSession(const RenderSession&) = delete;
  RenderSession& operator=(const RenderSession&) = delete;

  void render();
  RenderOutcome finish();

  /// Farm only, instead of render() and finish(): submits the chunks still
  /// to render as a job array and a join job that runs `chunkreel join` on
  /// this work folder after them, records the submissions in the plan
  /// record for that join, prints the job ids, and returns. In the join of
  /// a detached render this is a resubmission: its count goes up, and a
  /// chunk Slurm killed for memory asks for twice as much.
  void detach();

  /// A join of a detached render: the chunks its farm tasks rendered are
  /// reported as theirs (job, node, times), not as reused, from the tasks'
  /// output files. Call before render().
  void adopt_farm_results();

  const RenderConfig& config() const { return m_config; }
  /// How often the chunks of a detached render have been resubmitted.
  int resubmissions() const { return m_farm.resubmissions; }

  /// The chunks that still need rendering (none when resuming found all).
  int chunks_to_render() const { return static_cast<int>(m_scheduled.size()); }
  /// Those chunks, for messages: "chunk 3 (frames 90-179, slides 2-3)"...
  std::string chunks_to_render_text() const;
  const std::string& work_folder() const { return m_work->path(); }
  /// Claims failure.json in the work folder (a detached render's failure,
  /// when it names no report) and returns its path.
  std::string claim_failure_file() { return claim_file("failure.json"); }

 private:
  using Clock = std::chrono::steady_clock;
  void open_work_folder(std::chrono::milliseconds wait);
  /// --resume: takes the plan recorded in the work folder when it was made
  /// by this chunkreel, for this show, with these plan settings.
  bool adopt_recorded_plan();
  void write_record();
  void write_jobs();
  void print_input_warnings();
  /// WorkFolder::claim, or Fatal.
  std::string claim_file(const std::string& name);
  /// The estimated peak of a local worker starting `chunk` now.
  int64_t estimate_now(int chunk);
  std::unique_ptr<CommandRunner> make_runner();
  SlurmRunnerOptions slurm_options();
  std::string failure_message() const;
  void write_report(const nlohmann::json& report) const;

  RenderConfig m_config;
  const std::atomic<bool>& m_interrupted;
  LinePrinter m_printer;
  Clock::time_point m_t_start, m_t_validated, m_t_planned, m_t_rendered;
  Project m_project;
  std::string m_show_key;  ///< project_key of m_project, when it was validated
  RenderPlan m_plan;
  FarmState m_farm;        ///< a detached render's submissions so far
  bool m_joining = false;  ///< built from a record, by `chunkreel join`
  std::string m_output;
  std::optional<WorkFolder> m_work;
  std::string m_audio_path;
  std::string m_task_script;  ///< farm: the script each array task runs
  std::vector<ScheduledChunk> m_scheduled;
  std::vector<std::string> m_chunk_paths;
  /// by chunk: the shared pictures its job writes when it loads them first
  std::map<int, std::vector<std::string>> m_shared_by_chunk;
  std::vector<int> m_reused;
  int64_t m_reused_frames = 0;
  std::unique_ptr<AudioTask> m_audio;
  MemorySampler m_memory;
  SharedPictures m_shared_pictures;
  /// chunk -> the shared pictures its estimate counted as read when it was
  /// last admitted (pictures already written then)
  std::map<int, int> m_estimate_reads;
  ScheduleResult m_schedule;
  SlurmRunner* m_slurm_runner = nullptr;  ///< the farm runner of render(), while it lives
  FarmFacts m_farm_facts;                 ///< what that runner asked of Slurm
  std::vector<ChunkRun> m_farm_runs;  ///< a join: chunks the detached render's tasks made
  std::vector<AttemptRecord> m_farm_attempts;
};

/// The cores and memory a render's plan may count on: this machine's, or for
/// a farm the array's throttle (or the partition's CPUs, from sinfo).
Machine machine_for(const RenderConfig& config);

/// `report`.json -> `report`.html beside it (any other name gets ".html" added).
std::string html_path_for(const std::string& report);

}  // namespace chunkreel
