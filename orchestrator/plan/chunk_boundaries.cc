// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/plan/chunk_boundaries.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

// The legal start frame nearest `ideal` within (low, high), or -1.
int64_t nearest_legal(const ShowTiming& timing, Rational fps, int64_t ideal, int64_t low,
                      int64_t high) {
  for (int64_t d = 0; ideal - d > low || ideal + d < high; ++d) {
    for (int64_t candidate : {ideal - d, ideal + d}) {
      if (candidate > low && candidate < high && !frame_in_transition(timing, fps, candidate))
        return candidate;
    }
  }
  return -1;
}

// Frames of [a, b) inside [first, first + count).
int64_t overlap(int64_t a, int64_t b, int64_t first, int64_t count) {
  return std::max<int64_t>(0, std::min(b, first + count) - std::max(a, first));
}

// The frames of slide i's incoming transition: [start, start + x_{i-1}).
int64_t transition_begin(const ShowTiming& timing, Rational fps, size_t i) {
  return i < timing.spans.size() ? first_frame_at_or_after(timing.spans[i].start, fps) : timing.frames;
}
int64_t transition_end(const ShowTiming& timing, Rational fps, size_t i) {
  if (i >= timing.spans.size()) return timing.frames;
  const SlideSpan& span = timing.spans[i];
  return first_frame_at_or_after(span.start + span.in_transition, fps);
}

int64_t count_transition_frames(const ShowTiming& timing, Rational fps, int64_t first,
                                int64_t count) {
  int64_t total = 0;
  for (size_t i = 1; i < timing.spans.size(); ++i)
    total += overlap(transition_begin(timing, fps, i), transition_end(timing, fps, i), first, count);
  return total;
}

// What the chunk costs by `costs` (content_cost.h): a worker's start, a load
// of each slide it shows, its solo frames at their slide's price, and its
// transition frames at the mean of their two slides' plus the mix.
double chunk_cost(const ShowTiming& timing, Rational fps, const ChunkPlan& chunk, const CostModel& costs) {
  auto slide = [&](int i) {
    return static_cast<size_t>(i) < costs.slides.size() ? costs.slides[i] : SlideCost{};
  };
  double cost = costs.start_s;
  for (int i = chunk.first_slide; i <= chunk.last_slide; ++i) {
    const size_t s = static_cast<size_t>(i);
    cost += slide(i).load_s;
    const int64_t solo = overlap(transition_end(timing, fps, s), transition_begin(timing, fps, s + 1),
                                 chunk.first_frame, chunk.frame_count);
    cost += slide(i).frame_s * double(solo);
    if (i == 0) continue;
    const int64_t mixed = overlap(transition_begin(timing, fps, s), transition_end(timing, fps, s),
                                  chunk.first_frame, chunk.frame_count);
    cost += ((slide(i - 1).frame_s + slide(i).frame_s) / 2 + costs.transition_frame_s) * double(mixed);
  }
  return cost;
}

}  // namespace

std::vector<int64_t> slide_boundaries(const ShowTiming& timing, Rational fps) {
  std::vector<int64_t> boundaries;
  for (size_t i = 1; i < timing.spans.size(); ++i) {
    const SlideSpan& span = timing.spans[i];
    int64_t frame = first_frame_at_or_after(span.start + span.in_transition, fps);
    if (frame <= 0 || frame >= timing.frames) continue;
    if (frame_in_transition(timing, fps, frame)) continue;  // slide is all transition
    if (!boundaries.empty() && boundaries.back() >= frame) continue;
    boundaries.push_back(frame);
  }
  return boundaries;
}

std::vector<int64_t> keyframe_starts(const ShowTiming& timing, Rational fps, int slide, double in, double speed,
                                     const std::vector<double>& keyframes) {
  const SlideSpan& span = timing.spans[slide];
  const double solo_start = span.start + span.in_transition;
  const double solo_end = span.start + span.duration - span.out_transition;
  std::vector<int64_t> frames;
  for (double key : keyframes) {
    const double t = span.start + (key - in) / speed;
    if (t < solo_start || t >= solo_end) continue;
    const int64_t frame = first_frame_at_or_after(t, fps);
    if (frame <= 0 || frame >= timing.frames || frame_in_transition(timing, fps, frame)) continue;
    if (!frames.empty() && frames.back() >= frame) continue;
    frames.push_back(frame);
  }
  return frames;
}

std::vector<ChunkPlan> split_into_chunks(const ShowTiming& timing, Rational fps,
                                         int64_t target_frames, int tail_chunks,
                                         const CostModel* costs, int64_t min_frames,
                                         const std::vector<int64_t>& keyframe_frames) {
  const int64_t total = timing.frames;
  target_frames = std::max<int64_t>(1, target_frames);
  // The lengths aimed at: whole chunks, then `tail_chunks` of half length,
  // all scaled to fill the show.
  const double whole = std::max(0.0, std::round(double(total) / target_frames - tail_chunks / 2.0));
  const int tail = whole >= 1 ? tail_chunks : 0;
  const int wanted_whole = std::max(1, static_cast<int>(whole));
  std::vector<double> lengths(wanted_whole, 1.0);
  lengths.insert(lengths.end(), tail, 0.5);
  double sum = 0;
  for (double l : lengths) sum += l;
  std::vector<int64_t> boundaries = slide_boundaries(timing, fps);
  boundaries.insert(boundaries.end(), keyframe_frames.begin(), keyframe_frames.end());
  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());

  std::vector<int64_t> starts{0};
  double reached = 0;
  for (size_t j = 0; j + 1 < lengths.size(); ++j) {
    reached += lengths[j];
    const int64_t ideal = std::llround(total * reached / sum);
    // Snap to a slide boundary when it is within 30% of the chunk's length,
    // except where a tail chunk starts: the tail's lengths decide how close
    // together the workers finish, and a slide it splits is still decoded
    // only once (the chunks after it read its shared picture).
    const bool starts_tail = j + 1 >= static_cast<size_t>(wanted_whole);
    const int64_t snap = starts_tail ? -1 : std::max<int64_t>(1, std::llround(total * lengths[j] / sum * 0.3));
    const int64_t low = starts.back();
    int64_t chosen = -1;
    auto it = std::lower_bound(boundaries.begin(), boundaries.end(), ideal);
    int64_t best_distance = snap + 1;
    for (auto candidate : {it, it == boundaries.begin() ? it : it - 1}) {
      if (candidate == boundaries.end() || *candidate <= low || *candidate >= total) continue;
      int64_t distance = std::llabs(*candidate - ideal);
      if (distance < best_distance) {
        best_distance = distance;
        chosen = *candidate;
      }
    }
    if (chosen < 0) chosen = nearest_legal(timing, fps, ideal, low, total);
    if (chosen > low) starts.push_back(chosen);
  }

  // A chunk runs on to the first start at least `min_frames` after its
  // own, and a short last chunk joins the one before it. Dropping a start
  // only joins legal chunks, so the result is legal.
  std::vector<int64_t> kept{starts.front()};
  for (size_t i = 1; i < starts.size(); ++i)
    if (starts[i] - kept.back() >= min_frames) kept.push_back(starts[i]);
  while (kept.size() > 1 && total - kept.back() < min_frames) kept.pop_back();
  starts = std::move(kept);

  std::vector<ChunkPlan> chunks;
  for (size_t i = 0; i < starts.size(); ++i) {
    ChunkPlan chunk;
    chunk.index = static_cast<int>(i);
    chunk.first_frame = starts[i];
    chunk.frame_count = (i + 1 < starts.size() ? starts[i + 1] : total) - starts[i];
    SlideRange range = slides_for_frames(timing, fps, chunk.first_frame, chunk.frame_count);
    chunk.first_slide = range.first;
    chunk.last_slide = range.last;
    chunk.transition_frames =
        count_transition_frames(timing, fps, chunk.first_frame, chunk.frame_count);
    chunk.cost = costs ? chunk_cost(timing, fps, chunk, *costs) : double(chunk.frame_count);
    chunks.push_back(chunk);
  }
  return chunks;
}

}  // namespace chunkreel
