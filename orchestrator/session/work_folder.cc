// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/session/work_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/content_key.h"
#include "common/unique_fd.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_marker = ".chunkreel-work";
constexpr const char* k_lock = ".chunkreel-lock";
constexpr const char* k_marker_header = "chunkreel work folder 1";
// A marker line (never a file name: it has a slash) for a folder that existed
// before chunkreel used it: its files go, the folder stays.
constexpr const char* k_keep_folder = "/existed-before";

std::string absolute_output(const std::string& output) {
  return fs::absolute(output).lexically_normal().string();
}

Expected<void> append_line(const std::string& file, const std::string& line) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
  const std::string text = line + "\n";
  if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return Error{fmt::format("{}: cannot record a work file: {}", file, std::strerror(errno))};
  return {};
}

// The marker's first line when `folder` is one of ours, else "".
std::string marker_header(const fs::path& folder) {
  std::ifstream in(folder / k_marker);
  std::string line;
  std::getline(in, line);
  return line;
}

// A name recorded in the marker may be removed only if it is a plain file
// name inside the folder: never a path that could point out of it.
bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name != k_marker && name != k_lock &&
         name.find('/') == std::string::npos;
}

// A link in the folder, if any: chunkreel makes none, so one is planted.
std::string link_inside(const fs::path& folder) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec))
    if (entry.is_symlink(ec)) return entry.path().string();
  return {};
}

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

// Sets an OFD write lock on all of `fd`; false when another holds one.
bool try_lock(int fd) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  return ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

}  // namespace

bool WorkFolder::is_work_folder(const std::string& folder) {
  return marker_header(folder) == k_marker_header;
}

std::string WorkFolder::location(const std::string& output, const std::string& given_dir) {
  const std::string out = absolute_output(output);
  if (given_dir.empty()) return out + ".parts";
  // Named after the output, plus a hash of its full path, so renders of two
  // outputs with one file name (or the projects of a batch) never share.
  const uint64_t hash = fnv1a64(out.data(), out.size());
  const std::string name =
      fmt::format("chunkreel-{}-{:08x}", fs::path(out).filename().string(), hash & 0xffffffffu);
  return (fs::absolute(given_dir).lexically_normal() / name).string();
}

Expected<WorkFolder> WorkFolder::open(const std::string& output, const std::string& given_dir,
                                     std::chrono::milliseconds wait) {
  WorkFolder folder;
  folder.m_path = location(output, given_dir);
  std::error_code ec;
  if (!given_dir.empty()) {
    const fs::path given = fs::absolute(given_dir).lexically_normal();
    if (fs::exists(given, ec) && !fs::is_directory(given, ec))
      return Error{fmt::format("--work-dir {}: is not a folder", given_dir)};
    // Remember which folders on the way are new, so only those may go again.
    std::vector<fs::path> missing;
    for (fs::path p = given; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      missing.insert(missing.begin(), p);
      if (p == p.parent_path()) break;
    }
    for (const fs::path& p : missing) {
      if (::mkdir(p.c_str(), 0777) != 0 && errno != EEXIST)
        return Error{fmt::format("--work-dir {}: cannot create {}: {}", given_dir, p.string(),
                                 std::strerror(errno))};
      folder.m_created.push_back(p.string());
    }
    if (::access(given.c_str(), W_OK | X_OK) != 0)
      return Error{fmt::format("--work-dir {}: the folder is not writable", given_dir)};
  }

  const fs::path own(folder.m_path);
  struct stat st {};
  bool adopt = false;
  if (::lstat(own.c_str(), &st) == 0) {
    // Take over only a real folder (not a link to one elsewhere) that
    // chunkreel made, or an empty one, which is then never removed.
    if (S_ISDIR(st.st_mode) && is_work_folder(own.string())) {
      const std::string link = link_inside(own);
      if (!link.empty())
        return Error{fmt::format("{}: a link chunkreel did not make is in its work folder; move it away", link)};
      Expected<void> locked = folder.lock(wait);
      if (!locked) return locked.error();
      return folder;
    }
    adopt = S_ISDIR(st.st_mode) && fs::is_empty(own, ec);
    if (!adopt)
      return Error{fmt::format(
          "{}: the work folder's place is taken by something chunkreel did not make; "
          "move it away or choose another --work-dir",
          own.string())};
  } else if (::mkdir(own.c_str(), 0777) != 0) {
    return Error{fmt::format("{}: cannot create the work folder: {}", own.string(), std::strerror(errno))};
  }
  UniqueFd marker(::open((own / k_marker).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  const std::string header = std::string(k_marker_header) + "\n" + (adopt ? k_keep_folder + std::string("\n") : "");
  if (!marker || ::write(marker.get(), header.data(), header.size()) != static_cast<ssize_t>(header.size()))
    return Error{fmt::format("{}: cannot write the work folder's marker: {}", own.string(), std::strerror(errno))};
  ::fsync(marker.get());
  sync_parent_folder((own / k_marker).string());
  Expected<void> locked = folder.lock(wait);
  if (!locked) return locked.error();
  return folder;
}

Expected<void> WorkFolder::lock(std::chrono::milliseconds wait) {
  const std::string path = (fs::path(m_path) / k_lock).string();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) return Error{fmt::format("{}: cannot lock the work folder: {}", path, std::strerror(errno))};
    if (try_lock(fd.get())) {
      // The holder before us may have removed the file as it let go: a
      // lock on a name no longer in the folder holds nothing.
      struct stat held {}, named {};
      if (::fstat(fd.get(), &held) == 0 && ::lstat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
          held.st_dev == named.st_dev) {
        const std::string holder = fmt::format("chunkreel on {} (pid {})\n", host_name(), ::getpid());
        if (::ftruncate(fd.get(), 0) != 0 ||
            ::pwrite(fd.get(), holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size()))
          return Error{fmt::format("{}: cannot write the lock: {}", path, std::strerror(errno))};
        m_lock = std::move(fd);
        return {};
      }
      continue;
    }
    if (errno == ENOLCK || errno == EOPNOTSUPP)
      return Error{fmt::format("{}: this filesystem cannot lock files ({}; an NFS mount without its lock "
                               "service?), so chunkreel cannot keep the work folder to itself; choose a "
                               "--work-dir where it can",
                               path, std::strerror(errno))};
    if (errno != EAGAIN && errno != EACCES)
      return Error{fmt::format("{}: cannot lock the work folder: {}", path, std::strerror(errno))};
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder(256, '\0');
      const ssize_t n = ::pread(fd.get(), holder.data(), holder.size() - 1, 0);
      holder.resize(n > 0 ? static_cast<size_t>(n) : 0);
      while (!holder.empty() && holder.back() == '\n') holder.pop_back();
      return Error{fmt::format("{}: in use by {}; wait for it to finish (a render, a join or a resume owns "
                               "its work folder alone)",
                               m_path, holder.empty() ? "another chunkreel" : holder)};
    }
    ::usleep(100'000);
  }
}

Expected<std::string> WorkFolder::claim(const std::string& name) {
  if (!plain_name(name)) return Error{fmt::format("{}: not a plain file name", name)};
  const std::string marker = (fs::path(m_path) / k_marker).string();
  const std::string path = (fs::path(m_path) / name).string();
  Expected<void> recorded = append_line(marker, name);
  if (recorded) recorded = append_line(marker, fs::path(own_temporary_path(path)).filename().string());
  if (!recorded) return recorded.error();
  return path;
}

void WorkFolder::remove() {
  const fs::path own(m_path);
  std::set<std::string> names;
  bool keep_folder = false;
  {
    std::ifstream in(own / k_marker);
    std::string line;
    std::getline(in, line);
    if (line != k_marker_header) return;  // not ours (any more): touch nothing
    while (std::getline(in, line)) {
      if (line == k_keep_folder) keep_folder = true;
      if (plain_name(line)) names.insert(line);
    }
  }
  for (const std::string& name : names) ::unlink((own / name).c_str());
  ::unlink((own / k_marker).c_str());
  ::unlink((own / k_lock).c_str());  // still held: a waiter finds its name gone and tries again
  m_lock.reset();
  // rmdir removes only empty folders: anything else someone put there stays.
  if (keep_folder) return;
  ::rmdir(own.c_str());
  for (auto it = m_created.rbegin(); it != m_created.rend(); ++it) ::rmdir(it->c_str());
}

}  // namespace chunkreel
