// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/frame_renderer.h"

#include "worker/transitions.h"
#include "common/view_window.h"

namespace chunkreel {

FrameRenderer::FrameRenderer(const std::vector<JobSlide>& slides, const OutputSettings& output,
                             SlideImages* images)
    : m_slides(slides),
      m_output(output),
      m_images(images),
      m_quantiser(output.width, output.height),
      m_tap_quantiser(&m_quantiser) {
  for (const JobSlide& slide : slides) m_spans.push_back(slide.span);
  m_background = to_ycbcr(output.background.r / 255.0f, output.background.g / 255.0f,
                          output.background.b / 255.0f);
  m_captions.resize(slides.size());
}

const CaptionLayer* FrameRenderer::caption_at(int position, double t, float* opacity) {
  const JobSlide& slide = m_slides[position];
  if (!slide.caption) return nullptr;
  *opacity = static_cast<float>(
      caption_opacity(slide.caption->style, t - slide.span.start, slide.span.duration));
  if (*opacity <= 0) return nullptr;
  auto& layer = m_captions[position];
  if (!layer) layer = std::make_unique<CaptionLayer>(*slide.caption, m_output.width, m_output.height);
  return layer.get();
}

FrameRenderer::Window FrameRenderer::window_of(int position, double t) {
  const JobSlide& slide = m_slides[position];
  const PreparedSlide& prepared = slide.clip ? m_images->clip_at(position, t) : m_images->get(position);
  const double p = ease(slide.motion.easing, slide_progress(slide.span, t));
  const ViewPoint view = interpolate_view(slide.motion, p);
  const chunkreel::Window w = view_window(slide.image_width, slide.image_height, slide.fit, view,
                                          m_output.width, m_output.height);
  return {w.x * prepared.scale_x,
          w.y * prepared.scale_y,
          w.width * prepared.scale_x,
          w.height * prepared.scale_y,
          slide.fit == Fit::k_cover ? EdgeMode::k_clamp : EdgeMode::k_transparent,
          &prepared,
          slide.fit == Fit::k_contain_blur ? &prepared.backdrop : nullptr};
}

void FrameRenderer::prefetch_for(int64_t index) {
  const FrameContent content = content_at(m_spans, frame_time(index, m_output.fps));
  if (content.in_transition) m_images->prefetch(content.span - 1);
  m_images->prefetch(content.span);
}

void FrameRenderer::load_ahead(int64_t index) {
  const FrameContent content = content_at(m_spans, frame_time(index, m_output.fps));
  // One load at a time: two at once would hold both photos' decode
  // buffers together. Clips decode as they play.
  auto load = [&](int position) {
    if (position < static_cast<int>(m_slides.size()) && !m_slides[position].clip) m_images->get(position);
  };
  if (content.in_transition) load(content.span - 1);
  load(content.span);
  load(content.span + 1);
}

void FrameRenderer::render(int64_t index, AVFrame* frame) {
  const double t = frame_time(index, m_output.fps);
  const FrameContent content = content_at(m_spans, t);
  const int first_needed = content.in_transition ? content.span - 1 : content.span;
  m_images->release_before(first_needed);
  for (int i = 0; i < first_needed; ++i) m_captions[i].reset();
  const int w = m_output.width;
  const int h = m_output.height;

  if (!content.in_transition) {
    // Decode the next slide while this one plays alone; during transitions
    // only the two slides on screen are held.
    m_images->prefetch(content.span + 1);
    const Window v = window_of(content.span, t);
    float opacity = 0;
    const CaptionLayer* caption = caption_at(content.span, t, &opacity);
    plan_picture_filters(v.prepared->picture, v.x, v.y, v.width, v.height, v.edge, w, h, &m_filters);
    const float alone = 1.0f;
    for (int plane = 0; plane < 3; ++plane) {
      RowResampler rows = plane_rows(v.prepared->picture, plane, m_background, v.backdrop, &m_filters, true);
      for (int y = 0; y < rows.height(); ++y) {
        if (rows.short_rows() && !(caption && caption->covers(plane, y))) {
          const RowTaps taps = rows.next_taps();
          m_tap_quantiser.row(plane, y, &taps, &alone, 1, 0.0f, frame);
          continue;
        }
        float* row = rows.next_row();
        if (caption) caption->apply_row(plane, y, row, opacity);
        m_quantiser.row(plane, y, row, frame);
      }
    }
    return;
  }
  // Both slides are resampled row by row in step, so neither is ever held
  // whole: each pair of rows gets its slide's caption, is mixed, and is
  // quantised.
  const Window out = window_of(content.span - 1, t);
  const Window in = window_of(content.span, t);
  plan_picture_filters(out.prepared->picture, out.x, out.y, out.width, out.height, out.edge, w, h,
                       &m_outgoing_filters);
  plan_picture_filters(in.prepared->picture, in.x, in.y, in.width, in.height, in.edge, w, h, &m_filters);
  float out_opacity = 0, in_opacity = 0;
  const CaptionLayer* out_caption = caption_at(content.span - 1, t, &out_opacity);
  const CaptionLayer* in_caption = caption_at(content.span, t, &in_opacity);
  const TransitionMixer mixer(m_slides[content.span - 1].out_transition, content.progress, w, h,
                              m_background);
  auto captioned = [](const CaptionLayer* caption, int plane, int y) { return caption && caption->covers(plane, y); };
  for (int plane = 0; plane < 3; ++plane) {
    // 16-bit rings where the rows will go to the tap quantiser (a slide
    // that does not cover the frame gets a float ring either way).
    float mix[2], constant = 0;
    const bool constant_mix = mixer.constant_mix(plane, mix, &constant);
    RowResampler a =
        plane_rows(out.prepared->picture, plane, m_background, out.backdrop, &m_outgoing_filters, constant_mix);
    RowResampler b = plane_rows(in.prepared->picture, plane, m_background, in.backdrop, &m_filters, constant_mix);
    const bool direct = constant_mix && a.short_rows() && b.short_rows();
    for (int y = 0; y < b.height(); ++y) {
      if (direct && !captioned(out_caption, plane, y) && !captioned(in_caption, plane, y)) {
        const RowTaps taps[2] = {a.next_taps(), b.next_taps()};
        m_tap_quantiser.row(plane, y, taps, mix, 2, constant, frame);
        continue;
      }
      float* row_a = a.next_row();
      float* row_b = b.next_row();
      if (out_caption) out_caption->apply_row(plane, y, row_a, out_opacity);
      if (in_caption) in_caption->apply_row(plane, y, row_b, in_opacity);
      mixer.mix_row(plane, y, row_a, row_b, b.width(), row_b);
      m_quantiser.row(plane, y, row_b, frame);
    }
  }
}

}  // namespace chunkreel
