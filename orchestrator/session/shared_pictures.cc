// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/session/shared_pictures.h"

#include <unistd.h>

namespace chunkreel {

void SharedPictures::add(int chunk, int slide, const std::string& path) {
  m_waiting[path].insert(chunk);
  m_by_chunk[chunk].emplace_back(slide, path);
}

std::set<int> SharedPictures::written(int chunk) const {
  std::set<int> slides;
  const auto found = m_by_chunk.find(chunk);
  if (found == m_by_chunk.end()) return slides;
  for (const auto& [slide, path] : found->second)
    if (::access(path.c_str(), F_OK) == 0) slides.insert(slide);
  return slides;
}

void SharedPictures::chunk_finished(const ChunkRun& run) {
  for (auto it = m_waiting.begin(); it != m_waiting.end();) {
    it->second.erase(run.chunk);
    if (!it->second.empty()) {
      ++it;
      continue;
    }
    // Its name is recorded in the work folder, so a picture that cannot be
    // removed now still goes with the folder's clean-up.
    ::unlink(it->first.c_str());
    it = m_waiting.erase(it);
  }
}

}  // namespace chunkreel
