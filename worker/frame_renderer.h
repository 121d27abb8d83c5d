// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The frame renderer: (slides, frame index) -> pixels.
//
// A frame's pixels depend only on the slides it shows and its index, never on
// which chunk renders it; that is what makes chunked renders identical to
// one-piece renders. Each slide is sampled through its floating-point view
// window with separable filters, and rows go straight into the encoder's
// frame: a solo slide's rows are quantised as they are produced, and in a
// transition the two slides' rows are produced in step, mixed and quantised
// the same way, so no whole picture is ever held in float.
//
// Captions belong to their slide's screen, not to its picture: a slide's
// caption is laid over the slide's rows after resampling (so Ken Burns
// motion never moves it) and before any transition mixing (so it fades,
// wipes or slides out with its slide).

#include <cstdint>
#include <memory>
#include <vector>

#include "common/chunk_job.h"
#include "worker/caption_layer.h"
#include "worker/colour_convert.h"
#include "worker/picture.h"
#include "worker/resampler.h"
#include "worker/slide_images.h"
#include "worker/tap_quantiser.h"

struct AVFrame;

namespace chunkreel {

class FrameRenderer {
 public:
  FrameRenderer(const std::vector<JobSlide>& slides, const OutputSettings& output,
                SlideImages* images);

  /// Renders frame `index` (a show-global index) into `frame`, an allocated
  /// yuv420p frame of the output size.
  void render(int64_t index, AVFrame* frame);

  /// Starts loading the pictures frame `index` shows, without waiting.
  void prefetch_for(int64_t index);

  /// Loads the pictures frame `index` shows and then the next slide's,
  /// and waits for both. Called before a chunk's first frame, it makes the
  /// chunk's first two loads happen before libx264 allocates its frames
  /// (it grows over the first frames), so neither adds to a full encoder,
  /// whatever the photos' decode times; the memory estimate counts on that
  /// (orchestrator/plan/memory_estimate.h).
  void load_ahead(int64_t index);

 private:
  struct Window {
    double x, y, width, height;
    EdgeMode edge;
    const PreparedSlide* prepared;
    const Picture* backdrop;
  };
  Window window_of(int position, double t);
  /// The caption of slides[position] and its opacity at time t, or null
  /// when nothing of it shows. Captions are rasterised on first use.
  const CaptionLayer* caption_at(int position, double t, float* opacity);

  const std::vector<JobSlide>& m_slides;
  const OutputSettings& m_output;
  SlideImages* m_images;
  std::vector<SlideSpan> m_spans;
  YCbCr m_background;
  FrameQuantiser m_quantiser;
  TapQuantiser m_tap_quantiser;  ///< rows with no caption and no fill: filter, mix and quantiser in one pass
  PictureFilters m_filters;           ///< the slide on screen, or a transition's incoming one
  PictureFilters m_outgoing_filters;  ///< a transition's outgoing slide
  std::vector<std::unique_ptr<CaptionLayer>> m_captions;  ///< per slide position
};

}  // namespace chunkreel
