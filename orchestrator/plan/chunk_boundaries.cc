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

int64_t count_transition_frames(const ShowTiming& timing, Rational fps, int64_t first,
                                int64_t count) {
  int64_t total = 0;
  for (const SlideSpan& span : timing.spans) {
    if (span.in_transition <= 0) continue;
    int64_t a = first_frame_at_or_after(span.start, fps);
    int64_t b = first_frame_at_or_after(span.start + span.in_transition, fps);
    total += std::max<int64_t>(0, std::min(b, first + count) - std::max(a, first));
  }
  return total;
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

std::vector<ChunkPlan> split_into_chunks(const ShowTiming& timing, Rational fps,
                                         int64_t target_frames, int tail_chunks,
                                         const std::vector<double>& slide_weights) {
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
  const std::vector<int64_t> boundaries = slide_boundaries(timing, fps);

  std::vector<int64_t> starts{0};
  double reached = 0;
  for (size_t j = 0; j + 1 < lengths.size(); ++j) {
    reached += lengths[j];
    const int64_t ideal = std::llround(total * reached / sum);
    // Snap to a slide boundary when it is within 30% of the chunk's length.
    const int64_t snap = std::max<int64_t>(1, std::llround(total * lengths[j] / sum * 0.3));
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
    // A transition frame renders two slides; each slide costs one decode,
    // worth about as much as a few frames. Frames cost what their slides'
    // detail costs the encoder (slide_weights, mean over the chunk).
    double weight = 0;
    for (int s = chunk.first_slide; s <= chunk.last_slide; ++s)
      weight += static_cast<size_t>(s) < slide_weights.size() ? slide_weights[s] : 1.0;
    weight /= (chunk.last_slide - chunk.first_slide + 1);
    chunk.cost = weight * double(chunk.frame_count + chunk.transition_frames) +
                 3.0 * (chunk.last_slide - chunk.first_slide + 1);
    chunks.push_back(chunk);
  }
  return chunks;
}

}  // namespace chunkreel
