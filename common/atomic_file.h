#pragma once
// Writing files so that a reader, or a power cut, never sees half of one, and
// so that no file the user already had is ever truncated on the way.
//
// A file is written under a temporary name in the folder of its final path,
// flushed to disk, renamed over the final path, and then the folder itself is
// flushed, so the rename survives a power cut too. Beside a user's file the
// temporary name is fresh (created with O_EXCL, so it can never be a file
// that existed); inside a folder of chunkreel's own a fixed name may be given,
// so the work folder can record it before it exists.

#include <string>

#include "common/error.h"
#include "common/unique_fd.h"

namespace chunkreel {

class AtomicFile {
 public:
  /// Creates the temporary file for `path`: a fresh `NAME.chunkreel-XXXXXX.tmp`
  /// beside it, or `temporary` (created or truncated) when one is given.
  static Expected<AtomicFile> create(const std::string& path, const std::string& temporary = {});

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary file unless it was committed.
  ~AtomicFile();

  const std::string& path() const { return m_path; }
  /// Where to write; it may be reopened by name (FFmpeg's muxers do).
  const std::string& temporary_path() const { return m_temporary; }
  int fd() const { return m_fd.get(); }

  /// Flushes the temporary file to disk, renames it over path(), and flushes
  /// the folder. On failure the temporary file is removed.
  Expected<void> commit();

 private:
  AtomicFile(std::string path, std::string temporary, UniqueFd fd);
  std::string m_path;
  std::string m_temporary;
  UniqueFd m_fd;
  bool m_done = false;
};

/// Writes `contents` to `path` through an AtomicFile (`temporary` as in create()).
Expected<void> write_file_atomically(const std::string& path, const std::string& contents,
                                     const std::string& temporary = {});

/// The fixed temporary name of `path` inside a folder of chunkreel's own:
/// `path` + ".tmp". A work folder records it beside `path`.
std::string own_temporary_path(const std::string& path);

/// Flushes the folder that holds `path`, so a rename or a new name in it is durable.
void sync_parent_folder(const std::string& path);

}  // namespace chunkreel
