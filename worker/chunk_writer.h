// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Writes one chunk's packets into an MP4 under a temporary name and renames
// it into place only when complete, so a chunk file that exists is whole.

#include <memory>
#include <optional>
#include <string>

#include "common/atomic_file.h"
#include "common/av_ptr.h"
#include "common/error.h"
#include "common/fd_avio.h"

namespace chunkreel {

class ChunkWriter {
 public:
  /// Opens `temporary_path` (a name the work folder recorded, see
  /// attempt_temporary()) for a stream shaped like `encoder`; commit()
  /// renames it to `path`.
  static Expected<std::unique_ptr<ChunkWriter>> open(const std::string& path, const std::string& temporary_path,
                                                     const AVCodecContext* encoder);
  ~ChunkWriter();

  /// Writes a packet whose timestamps are in the encoder's time base.
  Expected<void> write(AVPacket* packet);
  /// Finishes the file, flushes it to disk and renames it to its final name.
  Expected<void> commit();

 private:
  // Destroyed in reverse: the muxer, then its I/O, then the file.
  std::optional<AtomicFile> m_file;
  AVRational m_encoder_time_base{1, 1};
  FdAvioPtr m_avio;
  OutputFormatPtr m_output;
};

}  // namespace chunkreel
