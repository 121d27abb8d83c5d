#pragma once
// The frame renderer: (slides, frame index) -> pixels.
//
// A frame's pixels depend only on the slides it shows and its index, never on
// which chunk renders it; that is what makes chunked renders identical to
// one-piece renders. Each slide is sampled through its floating-point view
// window with separable filters; transitions mix two such renders.

#include <cstdint>
#include <vector>

#include "common/chunk_job.h"
#include "worker/picture.h"
#include "worker/resampler.h"
#include "worker/slide_images.h"

namespace chunkreel {

class FrameRenderer {
 public:
  FrameRenderer(const std::vector<JobSlide>& slides, const OutputSettings& output,
                SlideImages* images);

  /// Renders frame `index` (a show-global index). The picture stays valid
  /// until the next call.
  const Picture& render(int64_t index);

 private:
  void render_slide(int position, double t, Picture* out);

  const std::vector<JobSlide>& m_slides;
  const OutputSettings& m_output;
  SlideImages* m_images;
  std::vector<SlideSpan> m_spans;
  YCbCr m_background;
  PictureFilters m_filters;
  Picture m_frame, m_outgoing, m_incoming;
};

}  // namespace chunkreel
