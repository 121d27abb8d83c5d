// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

namespace chunkreel {

namespace {

std::string errno_text(const std::string& path) { return path + ": " + std::strerror(errno); }

// Read from /proc rather than with umask(), which would change it for a
// moment under the other threads' feet.
mode_t process_umask() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  return 022;
}

}  // namespace

std::string own_temporary_path(const std::string& path) { return path + ".tmp"; }

void sync_parent_folder(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = ".";
  UniqueFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

AtomicFile::AtomicFile(std::string path, std::string temporary, UniqueFd fd)
    : m_path(std::move(path)), m_temporary(std::move(temporary)), m_fd(std::move(fd)) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temporary(std::move(other.m_temporary)),
      m_fd(std::move(other.m_fd)),
      m_done(std::exchange(other.m_done, true)) {}

AtomicFile::~AtomicFile() {
  if (!m_done) ::unlink(m_temporary.c_str());
}

Expected<AtomicFile> AtomicFile::create(const std::string& path, const std::string& temporary) {
  if (!temporary.empty()) {
    constexpr int k_flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::open(temporary.c_str(), k_flags, 0644));
    if (!fd && errno == EEXIST) {
      // A plain file under a name the work folder recorded is an earlier
      // run's leftover: removing the name never touches another file's
      // bytes (a hard link keeps them). A link or a folder is not ours.
      struct stat st {};
      if (::lstat(temporary.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return Error{temporary + ": is not a file chunkreel made (a link or a folder); move it away"};
      if (::unlink(temporary.c_str()) != 0 && errno != ENOENT) return Error{errno_text(temporary)};
      fd.reset(::open(temporary.c_str(), k_flags, 0644));
    }
    if (!fd) return Error{errno_text(temporary)};
    return AtomicFile(path, temporary, std::move(fd));
  }
  // mkostemps() fills in the X's and creates the file exclusively, so the
  // temporary name is never one that a user's file already had.
  std::string pattern = path + ".chunkreel-XXXXXX.tmp";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  UniqueFd fd(::mkostemps(name.data(), 4, O_CLOEXEC));
  if (!fd) return Error{errno_text(path)};
  // mkostemps creates 0600; an output gets what open() would give it.
  ::fchmod(fd.get(), 0666 & ~process_umask());
  return AtomicFile(path, std::string(name.data()), std::move(fd));
}

int rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return -1;
  // No RENAME_NOREPLACE here (NFS, some FUSE filesystems): link(2) fails
  // with EEXIST as atomically, then the temporary name goes.
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return 0;
  }
  if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) return -1;
  // Nor hard links (vfat, some FUSE): the best left is to look first.
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return -1;
  }
  return std::rename(from.c_str(), to.c_str());
}

Expected<void> AtomicFile::commit(Replace replace) {
  // The data must be on disk before the rename makes the file count as whole.
  if (::fsync(m_fd.get()) != 0) return Error{errno_text(m_temporary) + " (flushing to disk)"};
  m_fd.reset();
  const int rc = replace == Replace::k_allowed ? std::rename(m_temporary.c_str(), m_path.c_str())
                                               : rename_no_replace(m_temporary, m_path);
  if (rc != 0 && errno == EEXIST)
    return Error{m_path + ": a file appeared there while chunkreel worked; it is left as it is (-y replaces it)"};
  if (rc != 0)
    return Error{"cannot rename " + m_temporary + " to " + m_path + ": " + std::strerror(errno)};
  m_done = true;
  sync_parent_folder(m_path);
  return {};
}

Expected<void> write_file_atomically(const std::string& path, const std::string& contents, Replace replace,
                                     const std::string& temporary) {
  auto file = AtomicFile::create(path, temporary);
  if (!file) return file.error();
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(file.value().fd(), contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{errno_text(file.value().temporary_path())};
    written += static_cast<size_t>(n);
  }
  return file.value().commit(replace);
}

}  // namespace chunkreel
