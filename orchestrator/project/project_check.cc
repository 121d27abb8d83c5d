#include "orchestrator/project/project_check.h"

#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include "common/auto_motion.h"
#include "common/colour_profile.h"
#include "orchestrator/audio/audio_source.h"

namespace chunkreel {

Expected<Project> check_project(Timeline timeline, const CheckOptions& options) {
  const std::string name = std::filesystem::path(timeline.project_path).filename().string();
  Project project;
  std::unordered_map<std::string, ImageInfo> probed;
  project.images.reserve(timeline.slides.size());
  for (size_t i = 0; i < timeline.slides.size(); ++i) {
    Slide& slide = timeline.slides[i];
    auto found = probed.find(slide.image);
    if (found == probed.end()) {
      Expected<ImageInfo> info = probe_image(slide.image);
      if (!info) return Error{fmt::format("{}: slides[{}].image: {}", name, i, info.error().message)};
      const ImageInfo& image = info.value();
      const int64_t pixels = int64_t{image.stored_width} * image.stored_height;
      if (pixels > options.max_pixels)
        return Error{fmt::format(
            "{}: slides[{}].image: {}: {}x{} is {:.0f} megapixels, over the limit of {:.0f} "
            "(raise it with --max-megapixels)",
            name, i, slide.image, image.stored_width, image.stored_height, pixels / 1e6,
            options.max_pixels / 1e6)};
      found = probed.emplace(slide.image, image).first;
      // A profile that cannot be used is no reason to refuse the photo.
      auto colour = read_embedded_colour(slide.image, image.format);
      Expected<LcmsProfilePtr> profile = colour ? make_profile(colour.value()) : Expected<LcmsProfilePtr>(colour.error());
      if (!profile)
        project.warnings.push_back(slide.image + ": " + profile.error().message + "; it is shown as sRGB");
      else if (!colour.value().note.empty())
        project.warnings.push_back(slide.image + ": " + colour.value().note);
    }
    const ImageInfo& image = found->second;
    if (slide.auto_motion)
      slide.motion = auto_motion(static_cast<int>(i), slide.image, image.width(), image.height());
    project.images.push_back(image);
  }

  for (size_t i = 0; i < timeline.audio.size(); ++i) {
    Expected<void> audio = check_audio_file(timeline.audio[i].file);
    if (!audio) return Error{fmt::format("{}: audio[{}].file: {}", name, i, audio.error().message)};
  }

  project.timing = compute_timing(timeline.slides, timeline.output.fps);
  if (project.timing.frames < 1)
    return Error{fmt::format("{}: slides: the show lasts {:.3f} s, shorter than one frame", name,
                             project.timing.duration)};
  project.timeline = std::move(timeline);
  return project;
}

}  // namespace chunkreel
