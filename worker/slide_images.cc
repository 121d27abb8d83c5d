#include "worker/slide_images.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "worker/image_loader.h"
#include "worker/view_window.h"

namespace chunkreel {
namespace {

std::shared_ptr<PreparedSlide> prepare(const JobSlide& slide, const OutputSettings& output) {
  ImageRequest request;
  request.path = slide.image;
  request.orientation = slide.orientation;
  request.background = output.background;
  prefiltered_size(slide, output, &request.target_width, &request.target_height);
  Expected<PlanarImage> picture = load_image(request);
  if (!picture) throw Fatal(ExitCode::k_render_failed, picture.error().message);
  auto prepared = std::make_shared<PreparedSlide>();
  prepared->picture = std::move(picture.value());
  prepared->scale_x = static_cast<double>(request.target_width) / slide.image_width;
  prepared->scale_y = static_cast<double>(request.target_height) / slide.image_height;
  return prepared;
}

}  // namespace

void prefiltered_size(const JobSlide& slide, const OutputSettings& output, int* width,
                      int* height) {
  double density = max_density(slide.image_width, slide.image_height, slide.fit, slide.motion,
                               output.width, output.height);
  // Keep full resolution unless the closest view still shrinks the image.
  double factor = std::min(1.0, density);
  *width = std::max(2, static_cast<int>(std::lround(slide.image_width * factor)));
  *height = std::max(2, static_cast<int>(std::lround(slide.image_height * factor)));
}

SlideImages::SlideImages(const std::vector<JobSlide>& slides, const OutputSettings& output)
    : m_slides(slides), m_output(output), m_pending(slides.size()), m_ready(slides.size()) {}

SlideImages::~SlideImages() {
  // Let prefetches finish before the slides they read go away.
  for (auto& pending : m_pending) {
    if (pending.valid()) pending.wait();
  }
}

void SlideImages::start_load(int position) {
  if (position < 0 || position >= static_cast<int>(m_slides.size())) return;
  if (m_ready[position] || m_pending[position].valid()) return;
  const JobSlide& slide = m_slides[position];
  const OutputSettings& output = m_output;
  m_pending[position] =
      std::async(std::launch::async, [&slide, &output] { return prepare(slide, output); });
}

const PreparedSlide& SlideImages::get(int position) {
  if (!m_ready[position]) {
    start_load(position);
    m_ready[position] = m_pending[position].get();  // rethrows a load's Fatal
  }
  start_load(position + 1);
  return *m_ready[position];
}

void SlideImages::release_before(int position) {
  for (int i = 0; i < position && i < static_cast<int>(m_ready.size()); ++i) m_ready[i].reset();
}

}  // namespace chunkreel
