#include "orchestrator/render_plan.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

namespace chunkreel {

RenderPlan make_render_plan(const Project& project, const RenderOptions& options, int cores) {
  RenderPlan plan;
  cores = std::max(1, cores);
  const double duration = project.timing.duration;
  const int wanted_workers = options.workers > 0 ? options.workers : cores;
  if (options.chunk_seconds > 0) {
    plan.chunk_seconds = options.chunk_seconds;
    plan.reason = fmt::format("chunks of about {:g} s as asked", options.chunk_seconds);
  } else {
    // About six chunks per worker keeps the tail short: the encode cost of a
    // chunk varies with its photos' detail, and the last chunk to finish runs
    // alone. Under 4 s a chunk's start-up (process, encoder, first decode)
    // stops being small against its work; past 30 s chunks gain nothing.
    plan.chunk_seconds = std::clamp(duration / (6.0 * wanted_workers), 4.0, 30.0);
    plan.reason = fmt::format("about 6 chunks per worker, each between 4 s and 30 s");
  }
  const int64_t target_frames =
      std::max<int64_t>(1, frame_count(plan.chunk_seconds, project.timeline.output.fps));
  plan.chunks = split_into_chunks(project.timing, project.timeline.output.fps, target_frames);
  plan.workers = std::min<int>(wanted_workers, static_cast<int>(plan.chunks.size()));
  if (options.threads_per_worker > 0) {
    plan.threads_per_worker = options.threads_per_worker;
  } else {
    plan.threads_per_worker = std::max(1, cores / plan.workers);
  }
  if (plan.chunks.size() == 1) plan.reason += "; the show fits in one chunk";
  return plan;
}

std::string chunk_file_name(int chunk) { return fmt::format("chunk_{:05d}.mp4", chunk); }
std::string job_file_name(int chunk) { return fmt::format("chunk_{:05d}.json", chunk); }

ChunkJob make_chunk_job(const Project& project, const RenderPlan& plan, const ChunkPlan& chunk,
                        const std::string& work_dir) {
  ChunkJob job;
  job.chunk_index = chunk.index;
  job.first_frame = chunk.first_frame;
  job.frame_count = chunk.frame_count;
  job.output = project.timeline.output;
  job.threads = plan.threads_per_worker;
  job.chunk_path = (std::filesystem::path(work_dir) / chunk_file_name(chunk.index)).string();
  for (int i = chunk.first_slide; i <= chunk.last_slide; ++i) {
    const Slide& slide = project.timeline.slides[i];
    JobSlide js;
    js.span = project.timing.spans[i];
    js.image = slide.image;
    js.image_width = project.images[i].width();
    js.image_height = project.images[i].height();
    js.orientation = project.images[i].orientation;
    js.fit = slide.fit;
    js.motion = slide.motion;
    js.out_transition = slide.transition.type;
    job.slides.push_back(js);
  }
  return job;
}

}  // namespace chunkreel
