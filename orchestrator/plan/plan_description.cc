// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/plan_description.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.h"
#include "common/view_window.h"
#include "orchestrator/audio/track_schedule.h"
#include "orchestrator/plan/plan_json.h"

namespace chunkreel {

std::string describe_plan(const Project& project, const RenderPlan& plan) {
  const OutputSettings& out = project.timeline.output;
  std::string text = fmt::format(
      "plan: {} frames ({}) at {}x{}, {} chunk{}, {} worker{} x {} thread{}\n", project.timing.frames,
      format_duration(project.timing.duration), out.width, out.height, plan.chunks.size(),
      plan.chunks.size() == 1 ? "" : "s", plan.workers, plan.workers == 1 ? "" : "s",
      plan.threads_per_worker, plan.threads_per_worker == 1 ? "" : "s");
  text += "why: " + plan.reason + "\n";
  text += fmt::format("machine: {} core{} ({}), {} available ({})\n", plan.machine.cores,
                      plan.machine.cores == 1 ? "" : "s", plan.machine.cores_from,
                      plan.machine.available_memory > 0 ? format_bytes(plan.machine.available_memory) : "memory",
                      plan.machine.memory_from.empty() ? "not known" : plan.machine.memory_from);
  const int64_t largest = *std::max_element(plan.chunk_peak_bytes.begin(), plan.chunk_peak_bytes.end());
  text += fmt::format("memory: budget {} ({}), largest chunk about {}\n", format_bytes(plan.memory_budget),
                      plan.budget_given ? "given" : "80% of available", format_bytes(largest));
  if (project.beats && project.beats->found.found) {
    const ShowBeats& b = *project.beats;
    text += fmt::format("beats: audio[{}] at {:.1f} BPM (confidence {:.2f}), found in {:.2f} s; {} of {} photo "
                        "change{} moved onto a beat",
                        b.track, b.found.tempo_bpm, b.found.confidence, b.seconds, b.moved, b.boundaries,
                        b.boundaries == 1 ? "" : "s");
    text += b.moved > 0 ? fmt::format(", by {:.3f} s on average, {:.3f} s at most\n", b.mean_shift, b.max_shift)
                        : std::string("\n");
  }
  text += "chunk  first frame  frames  slides     cost   est. memory\n";
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    const ChunkPlan& c = plan.chunks[i];
    text += fmt::format("{:5}  {:11}  {:6}  {:>4}-{:<4}  {:6.1f}  {:>11}\n", c.index, c.first_frame,
                        c.frame_count, c.first_slide, c.last_slide, c.cost,
                        format_bytes(plan.chunk_peak_bytes[i]));
  }
  return text;
}

namespace {

nlohmann::json pixel_box(const Box& box, int width, int height) {
  return {box.x * width, box.y * height, box.width * width, box.height * height};
}

nlohmann::json window_json(const Window& w) { return {w.x, w.y, w.width, w.height}; }

}  // namespace

nlohmann::json slide_framing_json(const Project& project, size_t i) {
  const Slide& slide = project.timeline.slides[i];
  const OutputSettings& out = project.timeline.output;
  nlohmann::json entry = {{"index", i}};
  if (i < project.timing.spans.size()) {
    entry["start"] = project.timing.spans[i].start;
    entry["duration"] = project.timing.spans[i].duration;
  }
  if (slide.card) {
    entry["color"] = to_string(*slide.card);
    return entry;
  }
  const int w = project.images[i].width(), h = project.images[i].height();
  entry[slide.clip ? "video" : "image"] = slide.clip ? slide.clip->file : slide.image;
  entry["size"] = {w, h};
  const Subjects none;
  const Subjects& subjects = i < project.subjects.size() ? project.subjects[i] : none;
  nlohmann::json faces = nlohmann::json::array();
  for (const Box& face : subjects.faces) faces.push_back(pixel_box(face, w, h));
  entry["faces"] = faces;
  entry["salient"] = subjects.salient ? pixel_box(*subjects.salient, w, h) : nlohmann::json(nullptr);
  entry["from"] = window_json(view_window(w, h, slide.fit, slide.motion.from, out.width, out.height));
  entry["to"] = window_json(view_window(w, h, slide.fit, slide.motion.to, out.width, out.height));
  return entry;
}

nlohmann::json framing_json(const Project& project) {
  nlohmann::json slides = nlohmann::json::array();
  for (size_t i = 0; i < project.timeline.slides.size(); ++i) slides.push_back(slide_framing_json(project, i));
  return slides;
}

nlohmann::json plan_json(const Project& project, const RenderPlan& plan) {
  nlohmann::json json = render_plan_to_json(plan);
  json["frames"] = project.timing.frames;
  json["duration_s"] = project.timing.duration;
  const SubjectSearchSummary& search = project.subject_search;
  json["subject_search"] = {{"photos", search.photos},
                            {"found", search.found},
                            {"from_cache", search.from_cache},
                            {"seconds", search.seconds}};
  nlohmann::json music = nlohmann::json::array();
  for (const TrackPlay& play : schedule_tracks(project.timeline.audio, project.track_lengths, project.timing.duration))
    music.push_back({{"track", play.track},
                     {"file", project.timeline.audio[play.track].file},
                     {"start", play.start},
                     {"end", std::min(play.end, project.timing.duration)}});
  json["music"] = music;
  if (project.beats) {
    const ShowBeats& b = *project.beats;
    json["beats"] = {{"track", b.track},
                     {"found", b.found.found},
                     {"tempo_bpm", b.found.tempo_bpm},
                     {"confidence", b.found.confidence},
                     {"times", b.times},
                     {"photo_changes", b.boundaries},
                     {"moved", b.moved},
                     {"mean_shift_s", b.mean_shift},
                     {"max_shift_s", b.max_shift},
                     {"seconds", b.seconds}};
  }
  return json;
}

void print_plan_json(std::FILE* out, const Project& project, const RenderPlan& plan) {
  std::string head = plan_json(project, plan).dump(2);
  head.resize(head.rfind('}'));  // the object stays open for the slides
  while (!head.empty() && head.back() == '\n') head.pop_back();
  std::fputs(head.c_str(), out);
  std::fputs(",\n  \"slides\": [", out);
  for (size_t i = 0; i < project.timeline.slides.size(); ++i) {
    std::fputs(i == 0 ? "\n    " : ",\n    ", out);
    std::fputs(slide_framing_json(project, i).dump().c_str(), out);
  }
  std::fputs("\n  ]\n}\n", out);
}

}  // namespace chunkreel
