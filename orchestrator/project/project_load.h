// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where a render's show comes from (a project file or a folder of photos),
// and the show loaded and checked from there.

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/timeline.h"
#include "orchestrator/project/folder_show.h"
#include "orchestrator/project/project_check.h"

namespace chunkreel {

struct ProjectSource {
  std::string path;                  ///< a project file, or a folder of photos
  FolderOptions folder;              ///< for a show made from a folder
  /// The folder options given on the command line ("--captions"): a project
  /// file does not take them, and says so rather than ignoring them.
  std::vector<std::string> folder_flags;
  int64_t max_pixels = 100'000'000;  ///< images above this are refused from the header
};

/// The timeline `source` names, parsed and validated field by field, but
/// with no image or audio file opened.
Expected<Timeline> read_show(const ProjectSource& source);

/// The show read and checked (every image header, every audio file).
Expected<Project> load_project(const ProjectSource& source);

/// The content key of a whole show (see common/content_key.h).
std::string project_key(const Project& project);

}  // namespace chunkreel
