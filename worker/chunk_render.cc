// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/chunk_render.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/encoder_settings.h"
#include "worker/chunk_writer.h"
#include "worker/encoder.h"
#include "worker/frame_renderer.h"
#include "worker/slide_images.h"
#include "worker/thread_cpu.h"

namespace chunkreel {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Expected<ChunkStats> render_chunk(const ChunkJob& job, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  const double main_cpu_start = thread_cpu_seconds();
  const double process_cpu_start = process_cpu_seconds();
  ChunkStats stats;
  // The first photo starts decoding before the encoder is set up, so the
  // two overlap.
  SlideImages images(job.slides, job.output, job.chunk_index, job.attempt);
  FrameRenderer renderer(job.slides, job.output, &images);
  if (job.frame_count > 0) renderer.prefetch_for(job.first_frame);

  auto encoder = H264Encoder::open(encoder_config(job.output, job.threads));
  if (!encoder) return encoder.error();
  auto writer = ChunkWriter::open(job.chunk_path, attempt_temporary(job.chunk_path, job.attempt),
                                  encoder.value()->context());
  if (!writer) return writer.error();
  ChunkWriter* out = writer.value().get();
  if (job.frame_count > 0) renderer.load_ahead(job.first_frame);
  auto sink = [out](AVPacket* packet) { return out->write(packet); };

  CpuTotal render_cpu, encode_main_cpu;
  for (int64_t i = 0; i < job.frame_count; ++i) {
    // The encoder may still hold the previous frame's buffer.
    if (int rc = av_frame_make_writable(encoder.value()->frame()); rc < 0)
      return Error{"cannot reuse the frame buffer: " + av_error_text(rc)};
    {
      ThreadCpuMeter meter(&render_cpu);
      renderer.render(job.first_frame + i, encoder.value()->frame());
    }
    if (i == 0) stats.startup_s = seconds_since(start);
    {
      ThreadCpuMeter meter(&encode_main_cpu);
      Expected<void> sent = encoder.value()->encode(i, sink);
      if (!sent) return sent.error();
    }
    if (progress) progress(i + 1);
  }
  {
    ThreadCpuMeter meter(&encode_main_cpu);
    Expected<void> flushed = encoder.value()->flush(sink);
    if (!flushed) return flushed.error();
  }
  Expected<void> committed = out->commit();
  if (!committed) return committed.error();

  images.wait();  // the last shared picture's write counts as loading
  std::error_code ec;
  stats.frames = job.frame_count;
  stats.bytes = static_cast<int64_t>(std::filesystem::file_size(job.chunk_path, ec));
  stats.wall_s = seconds_since(start);
  stats.decode_cpu_s = images.decode_cpu_seconds();
  stats.clip_cpu_s = images.clip_cpu_seconds();
  stats.render_cpu_s = std::max(0.0, render_cpu.seconds() - stats.clip_cpu_s);
  stats.clip_frames_decoded = images.clip_frames_decoded();
  stats.photos_loaded = images.photos_loaded();
  stats.pictures_shared = images.pictures_shared();
  stats.other_cpu_s = std::max(0.0, thread_cpu_seconds() - main_cpu_start - render_cpu.seconds() -
                                        encode_main_cpu.seconds());
  stats.encode_cpu_s = std::max(0.0, process_cpu_seconds() - process_cpu_start - stats.decode_cpu_s -
                                         stats.clip_cpu_s - stats.render_cpu_s - stats.other_cpu_s);
  return stats;
}

}  // namespace chunkreel
