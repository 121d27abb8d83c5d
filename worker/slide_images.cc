// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/slide_images.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "common/error.h"
#include "common/prefilter_size.h"
#include "worker/image_loader.h"
#include "worker/picture_file.h"
#include "worker/resampler.h"
#include "common/view_window.h"

namespace chunkreel {
namespace {

// A title card: a small solid picture whose view window is the whole frame
// (the chunk job gives it the output's size as its image size).
std::shared_ptr<PreparedSlide> prepare_card(const JobSlide& slide, Colour colour) {
  Picture solid;
  solid.resize(k_card_side, k_card_side);
  const YCbCr c = to_ycbcr(colour.r / 255.0f, colour.g / 255.0f, colour.b / 255.0f);
  std::fill(solid.y.data.begin(), solid.y.data.end(), c.y);
  std::fill(solid.cb.data.begin(), solid.cb.data.end(), c.cb);
  std::fill(solid.cr.data.begin(), solid.cr.data.end(), c.cr);
  auto prepared = std::make_shared<PreparedSlide>();
  prepared->picture = SourcePicture::from(solid);
  prepared->scale_x = static_cast<double>(k_card_side) / slide.image_width;
  prepared->scale_y = static_cast<double>(k_card_side) / slide.image_height;
  return prepared;
}

// A shared picture never takes the last of the work folder's disk, which the
// chunks themselves need.
constexpr int64_t k_keep_free_bytes = int64_t{2} << 30;

// The slide's picture: read from its shared file when `read_shared` and it
// can be read (`*loaded` false), else loaded from the photo (`*loaded` true).
std::shared_ptr<PreparedSlide> prepare(const JobSlide& slide, const OutputSettings& output, bool read_shared,
                                       bool* loaded) {
  *loaded = false;
  if (slide.card) return prepare_card(slide, *slide.card);
  ImageRequest request;
  request.path = slide.image;
  request.orientation = slide.orientation;
  request.background = output.background;
  prefiltered_size(slide, output, &request.target_width, &request.target_height);
  auto prepared = std::make_shared<PreparedSlide>();
  std::optional<SourcePicture> shared;
  if (read_shared)
    shared = read_picture_file(slide.shared_picture, request.target_width, request.target_height);
  if (shared) {
    prepared->picture = std::move(*shared);
  } else {
    Expected<SourcePicture> picture = load_image(request);
    if (!picture) throw Fatal(ExitCode::k_render_failed, picture.error().message);
    prepared->picture = std::move(picture.value());
    *loaded = true;
  }
  prepared->scale_x = static_cast<double>(request.target_width) / slide.image_width;
  prepared->scale_y = static_cast<double>(request.target_height) / slide.image_height;
  if (slide.fit == Fit::k_contain_blur)
    make_blur_backdrop(prepared->picture, output.width, output.height, &prepared->backdrop);
  return prepared;
}

// Three box blurs approximate a Gaussian; edges repeat the border sample.
void box_blur(Plane& plane, int radius) {
  std::vector<float> line;
  auto blur_line = [&](float* data, int n, int stride) {
    line.resize(n);
    for (int i = 0; i < n; ++i) line[i] = data[static_cast<size_t>(i) * stride];
    for (int i = 0; i < n; ++i) {
      float sum = 0;
      for (int k = -radius; k <= radius; ++k) sum += line[std::clamp(i + k, 0, n - 1)];
      data[static_cast<size_t>(i) * stride] = sum / (2 * radius + 1);
    }
  };
  for (int y = 0; y < plane.height; ++y) blur_line(plane.row(y), plane.width, 1);
  for (int x = 0; x < plane.width; ++x) blur_line(plane.data.data() + x, plane.height, plane.width);
}

}  // namespace

void make_blur_backdrop(const SourcePicture& picture, int output_width, int output_height, Picture* backdrop) {
  // Cover-fit the picture into a tiny frame (1/16 of the output), blur it
  // there, darken it, and scale it back up: cheap, and smooth at any size.
  const int small_w = std::max(8, output_width / 16) & ~1;
  const int small_h = std::max(8, output_height / 16) & ~1;
  const double aspect = double(output_width) / output_height;
  const double window_w = std::min<double>(picture.y.width, picture.y.height * aspect);
  const double window_h = window_w / aspect;
  const YCbCr black{0, 0, 0};
  PictureFilters filters;
  Picture small;
  small.resize(small_w, small_h);
  resample_picture(picture, (picture.y.width - window_w) / 2, (picture.y.height - window_h) / 2,
                   window_w, window_h, EdgeMode::k_clamp, black, nullptr, &filters, &small);
  constexpr float k_darken = 0.55f;  // Y'CbCr is linear in R'G'B': this darkens all three
  SourcePicture blurred;
  for (int i = 0; i < 3; ++i) {
    Plane& plane = small.plane(i);
    for (int pass = 0; pass < 3; ++pass) box_blur(plane, 1);
    for (float& v : plane.data) v *= k_darken;
  }
  blurred = SourcePicture::from(small);
  backdrop->resize(output_width, output_height);
  resample_picture(blurred, 0, 0, small_w, small_h, EdgeMode::k_clamp, black, nullptr, &filters, backdrop);
}

void prefiltered_size(const JobSlide& slide, const OutputSettings& output, int* width,
                      int* height) {
  chunkreel::prefiltered_size(slide.image_width, slide.image_height, slide.fit, slide.motion,
                              output.width, output.height, width, height);
}

SlideImages::SlideImages(const std::vector<JobSlide>& slides, const OutputSettings& output, int chunk,
                         std::string attempt)
    : m_slides(slides),
      m_output(output),
      m_chunk(chunk),
      m_attempt(std::move(attempt)),
      m_pending(slides.size()),
      m_ready(slides.size()),
      m_clips(slides.size()) {
  for (const JobSlide& slide : slides)
    m_read_shared.push_back(!slide.shared_picture.empty() && ::access(slide.shared_picture.c_str(), F_OK) == 0);
}

SlideImages::~SlideImages() {
  // Let prefetches (and the writes of shared pictures after them) finish
  // before the slides they read go away.
  wait();
}

void SlideImages::wait() {
  for (std::thread& thread : m_threads)
    if (thread.joinable()) thread.join();
}

void SlideImages::prefetch(int position) {
  if (position < 0 || position >= static_cast<int>(m_slides.size())) return;
  if (m_ready[position] || m_pending[position].valid()) return;
  const JobSlide& slide = m_slides[position];
  if (slide.clip) return;
  std::promise<std::shared_ptr<PreparedSlide>> promise;
  m_pending[position] = promise.get_future();
  const bool read_shared = m_read_shared[position];
  m_threads.emplace_back([this, &slide, read_shared, promise = std::move(promise)]() mutable {
    ThreadCpuMeter meter(&m_decode_cpu);
    bool loaded = false;
    std::shared_ptr<PreparedSlide> prepared;
    try {
      prepared = prepare(slide, m_output, read_shared, &loaded);
    } catch (...) {
      promise.set_exception(std::current_exception());
      return;
    }
    if (loaded)
      ++m_loaded;
    else if (!slide.card)
      ++m_shared;
    promise.set_value(prepared);
    // The renderer has the picture; now the neighbours get it.
    if (loaded && !slide.shared_picture.empty()) share(slide, *prepared);
  });
}

// A picture that cannot be shared (a full disk, a neighbour that wrote it
// first) costs the neighbour a load of its own, nothing more.
void SlideImages::share(const JobSlide& slide, const PreparedSlide& prepared) {
  if (::access(slide.shared_picture.c_str(), F_OK) == 0) return;
  (void)write_picture_file(prepared.picture, slide.shared_picture,
                           shared_picture_temporary(slide.shared_picture, m_chunk, m_attempt), k_keep_free_bytes);
}

const PreparedSlide& SlideImages::get(int position) {
  if (!m_ready[position]) {
    prefetch(position);
    m_ready[position] = m_pending[position].get();  // rethrows a load's Fatal
  }
  return *m_ready[position];
}

const PreparedSlide& SlideImages::clip_at(int position, double t) {
  const JobSlide& slide = m_slides[position];
  std::unique_ptr<ClipSlide>& clip = m_clips[position];
  ThreadCpuMeter meter(&m_clip_cpu);
  if (!clip) {
    clip = std::make_unique<ClipSlide>();
    int width = 0, height = 0;
    prefiltered_size(slide, m_output, &width, &height);
    clip->frames = std::make_unique<ClipFrames>(*slide.clip, width, height);
    clip->prepared.scale_x = static_cast<double>(width) / slide.image_width;
    clip->prepared.scale_y = static_cast<double>(height) / slide.image_height;
  }
  // The clip time this show time shows (the slide plays from its start,
  // through its incoming transition).
  const double c = slide.clip->in + (t - slide.span.start) * slide.clip->speed;
  if (clip->frames->picture_at(c, &clip->prepared.picture) && slide.fit == Fit::k_contain_blur)
    make_blur_backdrop(clip->prepared.picture, m_output.width, m_output.height, &clip->prepared.backdrop);
  return clip->prepared;
}

int64_t SlideImages::clip_frames_decoded() const {
  int64_t frames = m_clip_frames_done;
  for (const auto& clip : m_clips)
    if (clip) frames += clip->frames->frames_decoded();
  return frames;
}

void SlideImages::release_before(int position) {
  for (int i = 0; i < position && i < static_cast<int>(m_ready.size()); ++i) {
    m_ready[i].reset();
    if (m_clips[i]) {
      m_clip_frames_done += m_clips[i]->frames->frames_decoded();
      m_clips[i].reset();
    }
  }
}

}  // namespace chunkreel
