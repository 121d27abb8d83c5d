#pragma once
// The shared pictures of a render's chunk jobs (JobSlide::shared_picture),
// removed as soon as every chunk that shows their slide has finished: a long
// show then keeps on disk only the few pictures that unfinished chunks may
// still read, never one for every chunk boundary at once.

#include <map>
#include <set>
#include <string>

#include "orchestrator/run/scheduler.h"

namespace chunkreel {

class SharedPictures : public ScheduleObserver {
 public:
  /// Chunk `chunk` will run and shows the picture at `path`, a file of the
  /// work folder that chunkreel has claimed.
  void add(int chunk, const std::string& path);
  /// Removes the pictures that no unfinished chunk shows any more.
  void chunk_finished(const ChunkRun& run) override;
  /// The pictures some unfinished chunk still shows.
  size_t waiting() const { return m_waiting.size(); }

 private:
  std::map<std::string, std::set<int>> m_waiting;  ///< path -> chunks that have not finished
};

}  // namespace chunkreel
