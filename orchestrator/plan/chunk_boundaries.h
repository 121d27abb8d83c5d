// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The plan: which frames each chunk renders, as data. No I/O.
//
// A chunk may only start on a frame that lies outside every transition, so a
// transition is always rendered whole by one worker. Boundaries aim at evenly
// spaced ideal positions (the show's frames / chunk count) and snap to the
// nearest slide boundary (the first frame after a slide's incoming
// transition) when one is close; otherwise they split a long slide at the
// frame nearest the ideal. Short slides are thereby grouped and long slides
// split, with chunks near the requested length. The tail's chunks can be
// made shorter, which evens out the workers' finishing times; their starts
// do not snap, so they keep the lengths that do that. Inside a clip, the
// frames where a chunk's decode starts right at a keyframe are boundaries
// as good as a slide's (keyframe_starts), since a chunk that starts
// anywhere else first decodes the frames since the keyframe before.

#include <cstdint>
#include <string>
#include <vector>

#include "common/rational.h"
#include "common/show_timing.h"
#include "orchestrator/plan/content_cost.h"

namespace chunkreel {

struct ChunkPlan {
  int index = 0;
  int64_t first_frame = 0;
  int64_t frame_count = 0;
  int first_slide = 0;  ///< inclusive
  int last_slide = 0;   ///< inclusive
  int64_t transition_frames = 0;
  double cost = 0;      ///< estimated CPU seconds (content_cost.h), for ordering
};

/// Splits the show into chunks of about `target_frames` frames; the last
/// `tail_chunks` are about half as long, so that the workers finish close
/// together. ChunkPlan::cost comes from `costs` (one SlideCost per slide);
/// without it every frame costs 1 and nothing else costs anything. No
/// chunk but a show's only one has fewer than `min_frames` frames (see
/// min_chunk_frames): a shorter one runs on into the next, and a short last
/// one joins the chunk before it.
/// `keyframe_frames` (sorted) are more candidate boundaries, from
/// keyframe_starts().
std::vector<ChunkPlan> split_into_chunks(const ShowTiming& timing, Rational fps,
                                         int64_t target_frames, int tail_chunks = 0,
                                         const CostModel* costs = nullptr, int64_t min_frames = 1,
                                         const std::vector<int64_t>& keyframe_frames = {});

/// The frames at which a slide's solo part begins (candidate boundaries).
std::vector<int64_t> slide_boundaries(const ShowTiming& timing, Rational fps);

/// For clip slide `slide`, playing from clip time `in` at `speed`, with
/// keyframes at clip times `keyframes`: the first frame at or after each
/// keyframe's show time, where it lies in the slide's solo part. A chunk
/// starting there decodes from that keyframe with nothing before it.
std::vector<int64_t> keyframe_starts(const ShowTiming& timing, Rational fps, int slide, double in, double speed,
                                     const std::vector<double>& keyframes);

}  // namespace chunkreel
