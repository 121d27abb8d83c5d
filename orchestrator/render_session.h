#pragma once
// One render, in three phases, so a batch can overlap them across projects:
//   1. construction: validate everything, plan, write the chunk jobs;
//   2. render(): run the workers (the soundtrack encodes alongside);
//   3. finish(): wait for the audio, join by stream copy, report, clean up.
// Each phase throws Fatal on failure (exit code 2 for invalid input, 1 for a
// failed render, 130 when interrupted). finish() may run on another thread
// while the next session renders; a session does not move once built.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/cli.h"
#include "orchestrator/line_printer.h"
#include "orchestrator/project_check.h"
#include "orchestrator/render_plan.h"
#include "orchestrator/render_status.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/work_folder.h"

namespace chunkreel {

class AudioTask;

class RenderSession {
 public:
  explicit RenderSession(RenderOptions options);
  ~RenderSession();
  RenderSession(const RenderSession&) = delete;
  RenderSession& operator=(const RenderSession&) = delete;

  void render();
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  RenderOptions m_options;
  LinePrinter m_printer;
  Clock::time_point m_t_start, m_t_validated, m_t_planned, m_t_rendered;
  Project m_project;
  RenderPlan m_plan;
  std::string m_output;
  std::optional<WorkFolder> m_work;
  std::string m_work_dir;
  std::string m_audio_path;
  std::vector<ScheduledChunk> m_scheduled;
  std::vector<std::string> m_chunk_paths;
  std::vector<int> m_reused;
  int64_t m_reused_frames = 0;
  std::unique_ptr<AudioTask> m_audio;
  std::unique_ptr<RenderStatus> m_status;
  ScheduleResult m_schedule;
};

/// The timeline of a project file or a folder of photos, parsed but not checked.
Expected<Timeline> read_show(const std::string& project, const FolderOptions& folder);

/// The project `options` names (a file or a folder), validated, or Fatal.
Project load_project(const RenderOptions& options);

/// The content key of a whole show (see common/content_key.h).
std::string project_key(const Project& project);

}  // namespace chunkreel
