// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Writing files so that a reader, or a power cut, never sees half of one, and
// so that no file the user already had is ever truncated on the way.
//
// A file is written under a temporary name in the folder of its final path,
// flushed to disk, renamed over the final path, and then the folder itself is
// flushed, so the rename survives a power cut too. Beside a user's file the
// temporary name is fresh; inside a folder of chunkreel's own a fixed name
// may be given, so the work folder can record it before it exists. Either way
// the temporary is created with O_EXCL | O_NOFOLLOW: it is never a file that
// existed, and never reached through a link someone planted at its name.
//
// The final rename replaces what is at the path only when the caller says it
// may (Replace::k_allowed). Otherwise it is a no-replace rename (renameat2's
// RENAME_NOREPLACE, or link + unlink on filesystems without it, such as NFS),
// so a file that appeared at the path while chunkreel worked is never lost.

#include <string>

#include "common/error.h"
#include "common/unique_fd.h"

namespace chunkreel {

/// Whether a committed file may replace a file already at its path.
enum class Replace { k_never, k_allowed };

class AtomicFile {
 public:
  /// Creates the temporary file for `path`: a fresh `NAME.chunkreel-XXXXXX.tmp`
  /// beside it, or `temporary` when one is given. A regular file already at
  /// `temporary` (a run's leftover under a name chunkreel recorded) is
  /// removed first; anything else there (a link, a folder) is refused.
  static Expected<AtomicFile> create(const std::string& path, const std::string& temporary = {});

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary file unless it was committed.
  ~AtomicFile();

  const std::string& path() const { return m_path; }
  /// Where the bytes go; write through fd() (FFmpeg through fd_avio.h), never
  /// by reopening this name.
  const std::string& temporary_path() const { return m_temporary; }
  int fd() const { return m_fd.get(); }

  /// Flushes the temporary file to disk, renames it to path() (over a file
  /// there only with Replace::k_allowed), and flushes the folder. On failure
  /// the temporary file is removed.
  Expected<void> commit(Replace replace);

 private:
  AtomicFile(std::string path, std::string temporary, UniqueFd fd);
  std::string m_path;
  std::string m_temporary;
  UniqueFd m_fd;
  bool m_done = false;
};

/// Writes `contents` to `path` through an AtomicFile (`temporary` as in create()).
Expected<void> write_file_atomically(const std::string& path, const std::string& contents, Replace replace,
                                     const std::string& temporary = {});

/// Renames `from` to `to` only if nothing is at `to` (errno EEXIST if
/// something is). Returns 0 or -1 with errno set, as rename(2).
int rename_no_replace(const std::string& from, const std::string& to);

/// The fixed temporary name of `path` inside a folder of chunkreel's own:
/// `path` + ".tmp". A work folder records it beside `path`.
std::string own_temporary_path(const std::string& path);

/// Flushes the folder that holds `path`, so a rename or a new name in it is durable.
void sync_parent_folder(const std::string& path);

}  // namespace chunkreel
