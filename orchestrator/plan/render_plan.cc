// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/render_plan.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/encoder_settings.h"
#include "common/prefilter_size.h"
#include "common/units.h"
#include "orchestrator/plan/content_cost.h"
#include "orchestrator/plan/memory_estimate.h"

namespace chunkreel {

namespace {

std::vector<int64_t> estimate_peaks(const Project& project, const std::vector<ChunkPlan>& chunks,
                                    int threads) {
  std::vector<int64_t> peaks;
  for (const ChunkPlan& chunk : chunks) peaks.push_back(chunk_peak_estimate(project, chunk, threads));
  return peaks;
}

}  // namespace

int64_t chunk_peak_estimate(const Project& project, const ChunkPlan& chunk, int threads,
                            const std::set<int>& shared_reads) {
  const OutputSettings& output = project.timeline.output;
  ChunkMemoryInput input;
  input.output = &output;
  input.threads = threads;
  for (int i = chunk.first_slide; i <= chunk.last_slide; ++i) {
    const Slide& slide = project.timeline.slides[i];
    const ImageInfo& image = project.images[i];
    SlideMemory s;
    s.image = &image;
    if (slide.card) {
      s.prefiltered_width = s.prefiltered_height = k_card_side;
    } else {
      prefiltered_size(image.width(), image.height(), slide.fit, slide.motion, output.width,
                       output.height, &s.prefiltered_width, &s.prefiltered_height);
    }
    if (static_cast<size_t>(i) < project.captions.size() && project.captions[i])
      s.caption_pixels = caption_region(*project.captions[i], output.width, output.height).area();
    s.shared_read = shared_reads.count(i) > 0;
    s.clip = clip_of(project, i);
    s.blur_backdrop = slide.fit == Fit::k_contain_blur;
    input.slides.push_back(s);
  }
  return estimate_chunk_peak(input);
}

Expected<RenderPlan> make_render_plan(const Project& project, const PlanSettings& options,
                                      const Machine& machine) {
  RenderPlan plan;
  plan.machine = machine;
  const int cores = std::max(1, machine.cores);
  const int64_t available_memory = machine.available_memory;
  const double duration = project.timing.duration;
  const int wanted_workers = options.workers > 0 ? options.workers : cores;
  if (options.chunk_seconds > 0) {
    plan.chunk_seconds = options.chunk_seconds;
    plan.reason = fmt::format("chunks of about {:g} s as asked", options.chunk_seconds);
  } else {
    // About four chunks per worker, costliest first and the last one per
    // worker half as long, keep the tail short: the encode cost of a chunk
    // varies with its photos' detail, and the last chunk to finish runs
    // alone. Fewer chunks load fewer photos twice: the slide at each
    // boundary is loaded by the chunks on both sides of it. Under 4 s a
    // chunk's start-up (process, encoder, first decode) stops being small
    // against its work, so a show shorter than two such chunks renders as
    // one chunk with every core in its encoder; past 30 s chunks gain
    // nothing.
    plan.chunk_seconds = std::clamp(duration / (4.0 * wanted_workers), 4.0, 30.0);
    plan.reason = "about 4 chunks per worker, each between 4 s and 30 s, the last one per worker "
                  "half as long, to keep the tail short";
  }
  const int64_t target_frames =
      std::max<int64_t>(1, frame_count(plan.chunk_seconds, project.timeline.output.fps));
  // Chunks are ordered by cost (their photos' detail counts), and with
  // automatic lengths the last ones, one per worker, are half as long, so
  // the workers finish close together.
  std::vector<bool> is_card;
  std::vector<ClipCost> clips;
  std::vector<int64_t> keyframe_frames;
  for (size_t i = 0; i < project.timeline.slides.size(); ++i) {
    const Slide& slide = project.timeline.slides[i];
    is_card.push_back(slide.card.has_value());
    ClipCost clip;
    if ((clip.clip = clip_of(project, i))) {
      const std::vector<int64_t> starts = keyframe_starts(project.timing, project.timeline.output.fps,
                                                          static_cast<int>(i), slide.clip->in, slide.clip->speed,
                                                          clip.clip->keyframes);
      keyframe_frames.insert(keyframe_frames.end(), starts.begin(), starts.end());
      const OutputSettings& out = project.timeline.output;
      int w = 0, h = 0;
      prefiltered_size(project.images[i].width(), project.images[i].height(), slide.fit, slide.motion, out.width,
                       out.height, &w, &h);
      clip.speed = slide.clip->speed;
      clip.target_pixels = w * h;
    }
    clips.push_back(clip);
  }
  const CostModel costs = make_cost_model(project.timeline.output, project.images, is_card, clips);
  const int tail = options.chunk_seconds > 0 ? 0 : wanted_workers;
  plan.chunks = split_into_chunks(project.timing, project.timeline.output.fps, target_frames, tail, &costs,
                                  min_chunk_frames(project.timeline.output.video), keyframe_frames);

  // Memory: a budget from the user, or most of what the machine has free.
  plan.budget_given = options.memory_budget > 0;
  plan.memory_budget = plan.budget_given ? options.memory_budget
                                         : static_cast<int64_t>(0.8 * available_memory);
  const std::vector<int64_t> single_thread = estimate_peaks(project, plan.chunks, 1);
  const int64_t largest = *std::max_element(single_thread.begin(), single_thread.end());
  plan.workers = std::min<int>(wanted_workers, static_cast<int>(plan.chunks.size()));
  if (plan.memory_budget > 0 && with_estimate_room(largest) > plan.memory_budget) {
    // An estimate is not a measurement: when the budget is below the
    // largest chunk estimate, or too close above it to be sure, that chunk
    // runs alone first (watched, and stopped if it goes past the budget),
    // and only its measured peak can refuse the budget. After it, admission
    // by the corrected estimates decides how many run at once.
    plan.measure_first = true;
    plan.reason += fmt::format(
        "; the largest chunk estimate ({}) is {} the memory budget, so that chunk runs alone first "
        "and its measured peak decides",
        format_bytes(largest), largest > plan.memory_budget ? "above" : "within the estimates' error of");
  } else if (plan.memory_budget > 0) {
    const int fit = static_cast<int>(std::max<int64_t>(1, plan.memory_budget / with_estimate_room(largest)));
    if (fit < plan.workers) {
      plan.workers = fit;
      plan.reason += fmt::format("; the memory budget holds {} worker{} at once", fit, fit == 1 ? "" : "s");
    }
  }
  plan.threads_per_worker = options.threads_per_worker > 0 ? options.threads_per_worker
                                                           : std::max(1, cores / plan.workers);
  // Each encoder thread costs memory too: with a budget, the automatic
  // thread count stops where the workers' estimates would leave it.
  bool threads_cut = false;
  while (options.threads_per_worker == 0 && plan.memory_budget > 0 && !plan.measure_first &&
         plan.threads_per_worker > 1) {
    const std::vector<int64_t> peaks = estimate_peaks(project, plan.chunks, plan.threads_per_worker);
    if (with_estimate_room(*std::max_element(peaks.begin(), peaks.end())) * plan.workers <= plan.memory_budget) break;
    --plan.threads_per_worker;
    threads_cut = true;
  }
  if (plan.chunks.size() == 1)
    plan.reason += "; the show is too short for parallel chunks to pay, so it renders as one "
                   "chunk with every core in its encoder";
  else if (threads_cut)
    plan.reason += fmt::format("; {} thread{} per worker keeps the encoders inside the memory budget",
                               plan.threads_per_worker, plan.threads_per_worker == 1 ? "" : "s");
  else if (options.threads_per_worker == 0)
    plan.reason += fmt::format("; {} thread{} per worker keeps the threads at the {} cores",
                               plan.threads_per_worker, plan.threads_per_worker == 1 ? "" : "s", cores);
  plan.chunk_peak_bytes = estimate_peaks(project, plan.chunks, plan.threads_per_worker);
  return plan;
}

}  // namespace chunkreel
