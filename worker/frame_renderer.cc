#include "worker/frame_renderer.h"

#include "worker/transitions.h"
#include "worker/view_window.h"

namespace chunkreel {

FrameRenderer::FrameRenderer(const std::vector<JobSlide>& slides, const OutputSettings& output,
                             SlideImages* images)
    : m_slides(slides), m_output(output), m_images(images) {
  for (const JobSlide& slide : slides) m_spans.push_back(slide.span);
  m_background = to_ycbcr(output.background.r / 255.0f, output.background.g / 255.0f,
                          output.background.b / 255.0f);
  m_frame.resize(output.width, output.height);
  m_outgoing.resize(output.width, output.height);
  m_incoming.resize(output.width, output.height);
}

const Picture& FrameRenderer::render(int64_t index) {
  const double t = frame_time(index, m_output.fps);
  const FrameContent content = content_at(m_spans, t);
  const int first_needed = content.in_transition ? content.span - 1 : content.span;
  m_images->release_before(first_needed);
  if (!content.in_transition) {
    render_slide(content.span, t, &m_frame);
    return m_frame;
  }
  render_slide(content.span - 1, t, &m_outgoing);
  render_slide(content.span, t, &m_incoming);
  compose_transition(m_slides[content.span - 1].out_transition, content.progress, m_outgoing,
                     m_incoming, m_background, &m_frame);
  return m_frame;
}

void FrameRenderer::render_slide(int position, double t, Picture* out) {
  const JobSlide& slide = m_slides[position];
  const PreparedSlide& prepared = m_images->get(position);
  const double p = ease(slide.motion.easing, slide_progress(slide.span, t));
  const ViewPoint view = interpolate_view(slide.motion, p);
  const Window window = view_window(slide.image_width, slide.image_height, slide.fit, view,
                                    m_output.width, m_output.height);
  const EdgeMode edge = slide.fit == Fit::k_cover ? EdgeMode::k_clamp : EdgeMode::k_transparent;
  resample_picture(prepared.picture, window.x * prepared.scale_x, window.y * prepared.scale_y,
                   window.width * prepared.scale_x, window.height * prepared.scale_y, edge,
                   m_background, slide.fit == Fit::k_contain_blur ? &prepared.backdrop : nullptr,
                   &m_filters, out);
}

}  // namespace chunkreel
