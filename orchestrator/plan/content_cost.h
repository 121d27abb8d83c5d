// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a chunk costs to render, in estimated CPU seconds, from probes that
// cost nothing. The scheduler starts the costliest chunk first, so that the
// last ones to run are short; only the ratios between chunks matter, never
// the seconds themselves (another CPU scales them all alike).
//
// A chunk's cost is a worker's start, one load of each photo it shows, and
// its frames. A clip's frames add their decoding (by codec, per decoded
// pixel; at speed 2 or from a 60 fps clip, more than one a show frame) and
// their shaping, and its "load" is the pre-roll a chunk starting inside it
// decodes from the keyframe before (half the keyframe interval on average). A frame costs what libx264 spends on it, which grows with the
// output's pixels, the preset and the photo's detail, plus the renderer's
// share, which grows with the pixels only; a transition frame costs the mean
// of its two slides plus a second slide's rendering and the mix. Detail is
// read from how many bytes a pixel takes in the photo's own file: detail and
// noise make both the file and libx264's work larger.
//
// Fitted on the bench show (scripts/bench: twelve 4000x3000 JPEGs of 0.24 to
// 1.05 bytes a pixel, 1080p veryfast, 2 workers; each chunk's measured CPU in
// the report): a 1080p frame cost libx264 about 33 ms for every unit of
// weight, and a chunk of photos at 1.05 bytes a pixel about twice as much a
// frame as one at 0.27, so the weight is 0.5 + (bytes a pixel). Presets were
// timed against veryfast with the ffmpeg CLI (one thread, 1080p frames of the
// bench's output); loads with the ffmpeg CLI and heif-convert on a 12 MP
// photo in each format.

#include <vector>

#include "common/clip_probe.h"
#include "common/image_probe.h"
#include "common/timeline.h"

namespace chunkreel {

/// The relative encode cost of a frame showing this photo: 1 at half a byte
/// a pixel (a typical camera JPEG).
double encode_weight(const ImageInfo& image);

struct SlideCost {
  double frame_s = 0;  ///< rendering and encoding one frame showing this slide alone
  double load_s = 0;   ///< loading its picture once (decode, reduction, conversion)
};

struct CostModel {
  std::vector<SlideCost> slides;  ///< one per slide of the show
  double transition_frame_s = 0;  ///< what a transition frame adds to the mean of its two slides
  double start_s = 0;             ///< a worker's start: process, job, encoder
};

/// What the model needs of a clip slide: its probe and how fast it plays.
struct ClipCost {
  const ClipInfo* clip = nullptr;
  double speed = 1;
  int target_pixels = 0;  ///< the prefiltered size's pixels
};

/// The model for a show: `images` has one entry per slide (a title card's
/// is the frame's size), `is_card` says which slides are cards, and
/// `clips` (empty, or one per slide) gives the clip slides.
CostModel make_cost_model(const OutputSettings& output, const std::vector<ImageInfo>& images,
                          const std::vector<bool>& is_card, const std::vector<ClipCost>& clips = {});

}  // namespace chunkreel
