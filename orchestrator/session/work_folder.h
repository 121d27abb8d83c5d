// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// chunkreel's own folder for one render: its chunk jobs, chunks and audio.
//
// chunkreel deletes only what it created. The folder is either the default
// `OUT.mp4.parts` beside the output or, with `--work-dir DIR`, a folder named
// after the output inside DIR (DIR itself is the user's and is never removed
// unless this run created it and it is empty at the end). The folder holds a
// marker file, `.chunkreel-work`, whose first line identifies it and whose
// other lines record, before each file is made, the name of every file
// chunkreel makes in it. Clean-up removes exactly those names, the marker,
// and then the folder only if it is empty. A folder at that place that has no
// marker (or is not a folder) is refused, never adopted.
//
// One owner at a time: a render, a join or a resume holds a lock on its
// folder for its whole life, an OFD lock (fcntl F_OFD_SETLK) on the file
// `.chunkreel-lock`, which NFS carries to the server and the kernel drops
// when the holder dies, so a crash leaves no stale lock. The file names the
// holder (host and pid), so a second comer is refused naming it. Nothing in
// the folder is ever a link chunkreel made: one found there is refused.

#include <chrono>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/unique_fd.h"

namespace chunkreel {

class WorkFolder {
 public:
  /// Where the folder for `output` lives (no I/O): `output`.parts, or a
  /// folder named after the output inside `given_dir` when one is given.
  static std::string location(const std::string& output, const std::string& given_dir);

  /// Opens and locks the folder for `output`, creating it (and `given_dir`)
  /// when missing. Fails, naming the path, when `given_dir` is not a
  /// writable folder, the place is taken by something chunkreel did not
  /// make, the folder holds a link, or another chunkreel holds it (after
  /// waiting up to `wait` for it to let go).
  static Expected<WorkFolder> open(const std::string& output, const std::string& given_dir,
                                   std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  /// True when `folder` carries chunkreel's marker.
  static bool is_work_folder(const std::string& folder);

  const std::string& path() const { return m_path; }

  /// Records `name` (a plain file name) and its temporary name as made by
  /// chunkreel, and returns the full path. Records before the file exists, so
  /// a crash can never leave a file of ours unrecorded.
  Expected<std::string> claim(const std::string& name);

  /// Removes every recorded file, the marker and the lock, the folder when
  /// it is left empty, and the folders open() created on the way when they
  /// are empty.
  void remove();

 private:
  Expected<void> lock(std::chrono::milliseconds wait);
  std::string m_path;
  UniqueFd m_lock;
  std::vector<std::string> m_created;  ///< folders open() made for --work-dir, outermost first
};

}  // namespace chunkreel
