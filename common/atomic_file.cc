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
    UniqueFd fd(::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
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

Expected<void> AtomicFile::commit() {
  // The data must be on disk before the rename makes the file count as whole.
  if (::fsync(m_fd.get()) != 0) return Error{errno_text(m_temporary) + " (flushing to disk)"};
  m_fd.reset();
  if (std::rename(m_temporary.c_str(), m_path.c_str()) != 0)
    return Error{"cannot rename " + m_temporary + " to " + m_path + ": " + std::strerror(errno)};
  m_done = true;
  sync_parent_folder(m_path);
  return {};
}

Expected<void> write_file_atomically(const std::string& path, const std::string& contents,
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
  return file.value().commit();
}

}  // namespace chunkreel
