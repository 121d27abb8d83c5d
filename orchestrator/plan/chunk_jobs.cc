// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/chunk_jobs.h"

#include <filesystem>

#include <fmt/format.h>

#include "common/content_key.h"

namespace chunkreel {

std::string chunk_file_name(int chunk, const std::string& key) {
  return fmt::format("chunk_{:05d}_{}.mp4", chunk, key);
}
std::string job_file_name(int chunk) { return fmt::format("chunk_{:05d}.json", chunk); }
std::string shared_picture_name(int slide, const std::string& key) {
  return fmt::format("picture_{:05d}_{}.pic", slide, key);
}

namespace {

// True when a chunk of the plan other than `chunk` shows slide `slide`.
bool shown_elsewhere(const RenderPlan& plan, const ChunkPlan& chunk, int slide) {
  for (const ChunkPlan& other : plan.chunks)
    if (other.index != chunk.index && other.first_slide <= slide && slide <= other.last_slide) return true;
  return false;
}

}  // namespace

ChunkJob make_chunk_job(const Project& project, const RenderPlan& plan, const ChunkPlan& chunk,
                        const std::string& work_dir) {
  ChunkJob job;
  job.chunk_index = chunk.index;
  job.first_frame = chunk.first_frame;
  job.frame_count = chunk.frame_count;
  job.output = project.timeline.output;
  job.threads = plan.threads_per_worker;
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
    if (static_cast<size_t>(i) < project.subjects.size()) js.subjects = project.subjects[i];
    js.out_transition = slide.transition.type;
    js.card = slide.card;
    if (const ClipInfo* info = clip_of(project, i)) {
      JobClip clip;
      clip.file = slide.clip->file;
      clip.stream = info->stream;
      clip.in = slide.clip->in;
      clip.out = clip_end(slide, *info);
      clip.speed = slide.clip->speed;
      clip.start = info->start;
      clip.quarter_turns = info->quarter_turns;
      clip.interlaced = info->interlaced;
      clip.transfer = info->transfer;
      clip.matrix = info->matrix;
      clip.full_range = info->full_range;
      js.clip = clip;
    }
    if (static_cast<size_t>(i) < project.captions.size()) js.caption = project.captions[i];
    if (!js.card && !js.clip && shown_elsewhere(plan, chunk, i))
      js.shared_picture =
          (std::filesystem::path(work_dir) / shared_picture_name(i, picture_content_key(js, job.output))).string();
    job.slides.push_back(js);
  }
  // Finished chunks are found again by what they contain.
  job.chunk_path = (std::filesystem::path(work_dir) / chunk_file_name(chunk.index, chunk_content_key(job))).string();
  return job;
}

}  // namespace chunkreel
