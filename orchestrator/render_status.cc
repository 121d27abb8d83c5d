#include "orchestrator/render_status.h"

#include <fmt/format.h>

#include <numeric>

namespace chunkreel {

std::string format_bytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.0f} MiB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.0f} KiB", b / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string format_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02d}", s / 60, s % 60);
}

std::string format_progress(const ProgressSnapshot& s) {
  const double fraction = s.frames_total > 0 ? double(s.frames_done) / s.frames_total : 0;
  const double fps = s.elapsed_s > 0 ? s.frames_done / s.elapsed_s : 0;
  std::string eta = "--:--";
  if (fps > 0 && s.frames_done > 0) eta = format_duration((s.frames_total - s.frames_done) / fps);
  return fmt::format("[{:3.0f}%] {}/{} frames  {:.1f} fps  ETA {}  workers {}/{}  mem {}",
                     100 * fraction, s.frames_done, s.frames_total, fps, eta, s.workers_busy,
                     s.workers_cap, format_bytes(s.memory_bytes));
}

RenderStatus::RenderStatus(LinePrinter* printer, bool quiet, int64_t frames_total,
                           int chunks_total, int workers_cap)
    : m_printer(printer),
      m_quiet(quiet),
      m_frames_total(frames_total),
      m_chunks_total(chunks_total),
      m_workers_cap(workers_cap),
      m_began(std::chrono::steady_clock::now()),
      m_last_shown(m_began) {}

ProgressSnapshot RenderStatus::snapshot() const {
  ProgressSnapshot s;
  s.frames_done = m_frames_finished;
  for (const auto& [chunk, frames] : m_frames_running) s.frames_done += frames;
  s.frames_total = m_frames_total;
  s.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_began).count();
  s.workers_busy = m_busy;
  s.workers_cap = m_workers_cap;
  s.memory_bytes = m_memory_now;
  s.chunks_done = m_chunks_done;
  s.chunks_total = m_chunks_total;
  return s;
}

void RenderStatus::show(bool force) {
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
  m_printer->print_status(line);
}

void RenderStatus::chunk_started(const WorkerTask& task) {
  ++m_busy;
  m_frames_running[task.chunk] = 0;
  show(false);
}

void RenderStatus::chunk_progress(int chunk, int64_t frames_done) {
  m_frames_running[chunk] = frames_done;
  if (m_printer->smart_terminal()) show(false);
}

void RenderStatus::chunk_finished(const ChunkRun& run) {
  --m_busy;
  ++m_chunks_done;
  m_frames_running.erase(run.chunk);
  m_frames_finished += run.stats.frames;
  show(true);
}

void RenderStatus::chunk_failed(int chunk, int attempt, const std::string& why, bool will_retry) {
  --m_busy;
  m_frames_running.erase(chunk);
  std::string message = fmt::format("chunk {} attempt {} failed: {}{}", chunk, attempt, why,
                                    will_retry ? " (retrying)" : "");
  m_messages.push_back(message);
  if (!m_quiet) m_printer->print_line("chunkreel: warning: " + message);
}

void RenderStatus::tick(const CommandRunner& runner) {
  std::vector<int64_t> sizes = runner.live_rss_bytes();
  m_memory_now = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  m_concurrent_peak = std::max(m_concurrent_peak, m_memory_now);
  const double t =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_began).count();
  m_curve.push_back({t, m_memory_now});
  show(false);
}

void RenderStatus::finish() {
  if (!m_quiet) m_printer->finish();
}

}  // namespace chunkreel
