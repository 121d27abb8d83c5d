// SPDX-License-Identifier: GPL-2.0-or-later
// chunkreel-worker JOB.json: renders one chunk job and reports on stdout as
// JSON lines: {"event":"progress",...} while working and {"event":"done",...}
// at the end. Errors go to stderr; the exit code is 0 only for a whole chunk.

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

extern "C" {
#include <libavutil/log.h>
}

#include "common/chunk_job.h"
#include "common/error.h"
#include "worker/chunk_render.h"
#include "worker/thread_cpu.h"

namespace {

using chunkreel::ExitCode;
using chunkreel::Fatal;

void emit(const nlohmann::json& line) {
  std::cout << line.dump() << '\n' << std::flush;
}

int run(int argc, char** argv) {
  const bool with_attempt = argc == 4 && std::string(argv[2]) == "--attempt";
  if (argc != 2 && !with_attempt)
    throw Fatal(ExitCode::k_invalid_input, "usage: chunkreel-worker JOB.json [--attempt NAME]");
  if (with_attempt && !chunkreel::is_attempt_name(argv[3]))
    throw Fatal(ExitCode::k_invalid_input,
                std::string("--attempt ") + argv[3] + ": only letters, digits, '-' and '_', at most 64");
  auto job = chunkreel::read_chunk_job(argv[1]);
  if (!job) throw Fatal(ExitCode::k_invalid_input, job.error().message);
  if (with_attempt) job.value().attempt = argv[3];
  const chunkreel::ChunkJob& j = job.value();

  // Progress lines at most every 0.2 s (and on the last frame) keep the pipe quiet.
  auto last = std::chrono::steady_clock::now();
  auto progress = [&](int64_t done) {
    auto now = std::chrono::steady_clock::now();
    if (done != j.frame_count && now - last < std::chrono::milliseconds(200)) return;
    last = now;
    emit({{"event", "progress"}, {"chunk", j.chunk_index}, {"frames_done", done},
          {"frames", j.frame_count}});
  };
  auto stats = chunkreel::render_chunk(j, progress);
  if (!stats) throw Fatal(ExitCode::k_render_failed, stats.error().message);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  emit({{"event", "done"},
        {"chunk", j.chunk_index},
        {"frames", stats.value().frames},
        {"bytes", stats.value().bytes},
        {"startup_s", stats.value().startup_s},
        {"wall_s", stats.value().wall_s},
        {"cpu_s", chunkreel::process_cpu_seconds()},
        {"kernel_s", chunkreel::process_kernel_seconds()},
        {"cpu_split",
         {{"decode_s", stats.value().decode_cpu_s},
          {"clip_s", stats.value().clip_cpu_s},
          {"render_s", stats.value().render_cpu_s},
          {"encode_s", stats.value().encode_cpu_s},
          {"other_s", stats.value().other_cpu_s}}},
        {"photos_loaded", stats.value().photos_loaded},
        {"pictures_shared", stats.value().pictures_shared},
        {"clip_frames_decoded", stats.value().clip_frames_decoded},
        {"peak_rss_bytes", static_cast<int64_t>(usage.ru_maxrss) * 1024}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Large buffers (decoded photos, converted pictures) come and go once per
  // slide. A fixed mmap threshold hands each back to the system when freed;
  // glibc's default raises the threshold after the first such free and then
  // keeps those megabytes in its arenas for the rest of the chunk.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // A full disk or a file-size limit must fail the write, not kill us.
  signal(SIGXFSZ, SIG_IGN);
  av_log_set_level(AV_LOG_ERROR);
  try {
    return run(argc, argv);
  } catch (const Fatal& e) {
    std::fprintf(stderr, "chunkreel-worker: error: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chunkreel-worker: error: %s\n", e.what());
    return static_cast<int>(ExitCode::k_render_failed);
  }
}
