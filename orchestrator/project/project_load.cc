// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/project_load.h"

#include <filesystem>
#include <vector>

#include "common/content_key.h"
#include "common/timeline_json.h"

namespace chunkreel {

Expected<Timeline> read_show(const ProjectSource& source) {
  std::error_code ec;
  if (std::filesystem::is_directory(source.path, ec)) return timeline_from_folder(source.path, source.folder);
  if (!source.folder_flags.empty())
    return Error{source.path + ": is a project file, and " + source.folder_flags.front() +
                 " is for a folder of photos (set it in the project file instead)"};
  return load_timeline(source.path);
}

Expected<Project> load_project(const ProjectSource& source) {
  auto timeline = read_show(source);
  if (!timeline) return timeline.error();
  CheckOptions check;
  check.max_pixels = source.max_pixels;
  return check_project(std::move(timeline.value()), check);
}

std::string project_key(const Project& project) {
  std::vector<std::string> media;
  for (const Slide& slide : project.timeline.slides) {
    if (!slide.image.empty()) media.push_back(slide.image);
    else if (slide.clip) media.push_back(slide.clip->file);
  }
  for (const AudioTrack& track : project.timeline.audio) media.push_back(track.file);
  return timeline_content_key(timeline_to_json(project.timeline), media);
}

}  // namespace chunkreel
