// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/report/progress_display.h"

#include <fmt/format.h>


#include "common/units.h"

namespace chunkreel {

std::string format_progress(const ProgressSnapshot& s) {
  const double fraction = s.frames_total > 0 ? double(s.frames_done) / s.frames_total : 0;
  const double fps = s.elapsed_s > 0 ? s.frames_done / s.elapsed_s : 0;
  std::string eta = "--:--";
  if (fps > 0 && s.frames_done > 0) eta = format_duration((s.frames_total - s.frames_done) / fps);
  std::string line = fmt::format("[{:3.0f}%] {}/{} frames  {:.1f} fps  ETA {}", 100 * fraction, s.frames_done,
                                 s.frames_total, fps, eta);
  // A farm's workers are its tasks, told by the runner, and their memory is
  // not seen from here.
  if (s.workers_cap > 0)
    line += fmt::format("  workers {}/{}  mem {}", s.workers_busy, s.workers_cap, format_bytes(s.memory_bytes));
  return line;
}

ProgressDisplay::ProgressDisplay(LinePrinter* printer, bool quiet, int64_t frames_total,
                                 int chunks_total, int workers_cap, const MemorySampler* memory)
    : m_printer(printer),
      m_memory(memory),
      m_quiet(quiet),
      m_frames_total(frames_total),
      m_chunks_total(chunks_total),
      m_workers_cap(workers_cap),
      m_began(std::chrono::steady_clock::now()),
      m_last_shown(m_began) {}

ProgressSnapshot ProgressDisplay::snapshot() const {
  ProgressSnapshot s;
  s.frames_done = m_frames_finished;
  for (const auto& [chunk, frames] : m_frames_running) s.frames_done += frames;
  s.frames_total = m_frames_total;
  s.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_began).count();
  s.workers_busy = m_busy;
  s.workers_cap = m_workers_cap;
  s.memory_bytes = m_memory ? m_memory->now_bytes() : 0;
  s.chunks_done = m_chunks_done;
  s.chunks_total = m_chunks_total;
  return s;
}

void ProgressDisplay::show(bool force) {
  if (m_quiet) return;
  const auto now = std::chrono::steady_clock::now();
  // A terminal redraws often; a log gets a line per chunk and one every 10 s.
  const auto interval = m_printer->smart_terminal() ? std::chrono::milliseconds(200)
                                                    : std::chrono::milliseconds(10000);
  if (!force && now - m_last_shown < interval) return;
  m_last_shown = now;
  std::string line = format_progress(snapshot());
  if (!m_printer->smart_terminal())
    line += fmt::format("  chunks {}/{}", m_chunks_done, m_chunks_total);
  if (!m_engine_text.empty()) line += "  " + m_engine_text;
  m_printer->print_status(line);
}

void ProgressDisplay::chunk_started(const WorkerTask& task) {
  ++m_busy;
  m_frames_running[task.chunk] = 0;
  show(false);
}

void ProgressDisplay::chunk_progress(int chunk, int64_t frames_done) {
  m_frames_running[chunk] = frames_done;
  if (m_printer->smart_terminal()) show(false);
}

void ProgressDisplay::chunk_finished(const ChunkRun& run) {
  --m_busy;
  ++m_chunks_done;
  m_frames_running.erase(run.chunk);
  m_frames_finished += run.stats.frames;
  show(true);
}

void ProgressDisplay::chunk_failed(int chunk, int attempt, const std::string& why, bool will_retry) {
  --m_busy;
  m_frames_running.erase(chunk);
  std::string message = fmt::format("chunk {} attempt {} failed: {}{}", chunk, attempt, why,
                                    will_retry ? " (retrying)" : "");
  m_messages.push_back(message);
  if (!m_quiet) m_printer->print_line("chunkreel: warning: " + message);
}

void ProgressDisplay::tick(const CommandRunner& runner) {
  m_engine_text = runner.status_text();
  show(false);
}

void ProgressDisplay::finish() {
  if (!m_quiet) m_printer->finish();
}

}  // namespace chunkreel
