#include "orchestrator/session/shared_pictures.h"

#include <unistd.h>

namespace chunkreel {

void SharedPictures::add(int chunk, const std::string& path) { m_waiting[path].insert(chunk); }

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
