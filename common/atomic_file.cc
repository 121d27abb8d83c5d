#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/unique_fd.h"

namespace chunkreel {
namespace {

void sync_parent_folder(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = std::filesystem::current_path();
  UniqueFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

}  // namespace

Expected<void> write_file_atomically(const std::string& path, const std::string& contents) {
  std::string temporary = path + ".tmp";
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return Error{temporary + ": " + std::strerror(errno)};
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd.get(), contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string message = temporary + ": " + std::strerror(errno);
      ::unlink(temporary.c_str());
      return Error{message};
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    std::string message = temporary + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return Error{message};
  }
  fd.reset();
  return commit_file(temporary, path);
}

Expected<void> commit_file(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    std::string message = "cannot rename " + from + " to " + to + ": " + std::strerror(errno);
    ::unlink(from.c_str());
    return Error{message};
  }
  sync_parent_folder(to);
  return {};
}

}  // namespace chunkreel
