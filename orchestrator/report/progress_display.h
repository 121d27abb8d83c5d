// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Live progress of a render: what the scheduler reports, turned into status
// lines (ninja's Status). The formatting is a pure function (tested on its own); the class
// keeps the counts and decides when a line is due.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "orchestrator/report/line_printer.h"
#include "orchestrator/run/memory_sampler.h"
#include "orchestrator/run/scheduler.h"

namespace chunkreel {

struct ProgressSnapshot {
  int64_t frames_done = 0;
  int64_t frames_total = 0;
  double elapsed_s = 0;
  int workers_busy = 0;
  int workers_cap = 0;  ///< 0: not shown (a farm's runner tells its tasks itself)
  int64_t memory_bytes = 0;
  int chunks_done = 0;
  int chunks_total = 0;
};

/// "[ 42%] 620/1470 frames  31.0 fps  ETA 0:27  workers 2/2  mem 412 MiB"
std::string format_progress(const ProgressSnapshot& s);

/// The live status line (or plain log lines) of one render, and the
/// warnings about failed attempts. Reads the memory now from `memory`.
class ProgressDisplay : public ScheduleObserver {
 public:
  ProgressDisplay(LinePrinter* printer, bool quiet, int64_t frames_total, int chunks_total,
                  int workers_cap, const MemorySampler* memory);

  void chunk_started(const WorkerTask& task) override;
  void chunk_progress(int chunk, int64_t frames_done) override;
  void chunk_finished(const ChunkRun& run) override;
  void chunk_failed(int chunk, int attempt, const std::string& why, bool will_retry) override;
  void tick(const CommandRunner& runner) override;

  /// Counts chunks reused from an earlier run as done.
  void add_reused(int chunks, int64_t frames) {
    m_chunks_done += chunks;
    m_frames_finished += frames;
  }

  /// Ends the live line.
  void finish();

  const std::vector<std::string>& messages() const { return m_messages; }

 private:
  void show(bool force);
  ProgressSnapshot snapshot() const;

  LinePrinter* m_printer;
  const MemorySampler* m_memory;
  bool m_quiet;
  int64_t m_frames_total;
  int m_chunks_total;
  int m_workers_cap;
  int m_chunks_done = 0;
  int m_busy = 0;
  int64_t m_frames_finished = 0;           ///< in finished chunks
  std::map<int, int64_t> m_frames_running;  ///< by running chunk
  std::vector<std::string> m_messages;
  std::string m_engine_text;  ///< the runner's own words (a farm's pending/running tasks)
  std::chrono::steady_clock::time_point m_began;
  std::chrono::steady_clock::time_point m_last_shown;
};

}  // namespace chunkreel
