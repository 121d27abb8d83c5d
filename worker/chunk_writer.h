#pragma once
// Writes one chunk's packets into an MP4 under a temporary name and renames
// it into place only when complete, so a chunk file that exists is whole.

#include <memory>
#include <string>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

class ChunkWriter {
 public:
  /// Opens `path` + ".tmp" for a stream shaped like `encoder`.
  static Expected<std::unique_ptr<ChunkWriter>> open(const std::string& path,
                                                     const AVCodecContext* encoder);
  ~ChunkWriter();

  /// Writes a packet whose timestamps are in the encoder's time base.
  Expected<void> write(AVPacket* packet);
  /// Finishes the file and renames it to its final name.
  Expected<void> commit();

 private:
  std::string m_path;
  std::string m_temporary;
  AVRational m_encoder_time_base{1, 1};
  OutputFormatPtr m_output;
  bool m_committed = false;
};

}  // namespace chunkreel
