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
#include "worker/planar_image.h"
#include "worker/resampler.h"
#include "worker/slide_images.h"

namespace chunkreel {

class FrameRenderer {
 public:
  FrameRenderer(const std::vector<JobSlide>& slides, const OutputSettings& output,
                SlideImages* images);

  /// Renders frame `index` (a show-global index) into `out`, which is
  /// resized to the output size.
  void render(int64_t index, PlanarImage* out);

 private:
  void render_slide(int position, double t, PlanarImage* out);

  const std::vector<JobSlide>& m_slides;
  const OutputSettings& m_output;
  SlideImages* m_images;
  std::vector<SlideSpan> m_spans;
  float m_background[3];
  FilterBank m_fx, m_fy;
  ResampleScratch m_scratch;
  PlanarImage m_outgoing, m_incoming;
};

}  // namespace chunkreel
