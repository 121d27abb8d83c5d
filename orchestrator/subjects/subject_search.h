// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Finding the subjects of a show's photos, once, before it is planned:
// each distinct photo is answered from the cache or found, several at a
// time, one SubjectFinder per thread.

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/image_probe.h"
#include "common/subjects.h"
#include "orchestrator/subjects/subject_cache.h"

namespace chunkreel {

struct PhotoToSearch {
  std::string path;
  ImageInfo image;
};

struct SubjectSearch {
  std::vector<Subjects> subjects;  ///< one per photo, in order
  std::vector<std::string> thumbnails;  ///< one per photo: a small grey JPEG
  int found = 0;                   ///< photos looked at
  int from_cache = 0;              ///< photos answered by the cache
  double seconds = 0;              ///< wall time of the whole search
  /// At most one line: why the cache could not be written.
  std::vector<std::string> warnings;
};

/// `threads` finders at a time (at least one). A photo that cannot be
/// decoded is an error naming it; a cache that cannot be written is a
/// warning.
Expected<SubjectSearch> search_subjects(const std::vector<PhotoToSearch>& photos, int threads,
                                        const std::optional<SubjectCache>& cache);

}  // namespace chunkreel
