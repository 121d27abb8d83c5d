// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The shared pictures of a render's chunk jobs (JobSlide::shared_picture),
// removed as soon as every chunk that shows their slide has finished: a long
// show then keeps on disk only the few pictures that unfinished chunks may
// still read, never one for every chunk boundary at once.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "orchestrator/run/scheduler.h"

namespace chunkreel {

class SharedPictures : public ScheduleObserver {
 public:
  /// Chunk `chunk` will run and shows slide `slide`, whose picture is the
  /// file at `path`, in the work folder and claimed by chunkreel.
  void add(int chunk, int slide, const std::string& path);
  /// The slides of `chunk` whose pictures are already written: a worker
  /// starting it now reads them instead of decoding (a picture stays until
  /// every chunk that shows it has finished).
  std::set<int> written(int chunk) const;
  /// Removes the pictures that no unfinished chunk shows any more.
  void chunk_finished(const ChunkRun& run) override;
  /// The pictures some unfinished chunk still shows.
  size_t waiting() const { return m_waiting.size(); }

 private:
  std::map<std::string, std::set<int>> m_waiting;  ///< path -> chunks that have not finished
  std::map<int, std::vector<std::pair<int, std::string>>> m_by_chunk;  ///< chunk -> (slide, path)
};

}  // namespace chunkreel
