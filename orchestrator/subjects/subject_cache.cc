// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/subjects/subject_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/base64.h"
#include "common/content_key.h"
#include "common/unique_fd.h"
#include "orchestrator/subjects/subject_finder.h"

namespace chunkreel {

namespace fs = std::filesystem;

std::optional<SubjectCache> SubjectCache::from_environment() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  // The XDG base directory rules ignore a relative path.
  if (xdg && xdg[0] == '/') return SubjectCache((fs::path(xdg) / "chunkreel" / "subjects").string());
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') return SubjectCache((fs::path(home) / ".cache" / "chunkreel" / "subjects").string());
  return std::nullopt;
}

Expected<std::string> SubjectCache::key_of(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error{path + ": cannot read its size: " + std::strerror(errno)};
  // Its first 64 KiB (a JPEG's or HEIC's headers and the start of its data),
  // not all of it: a second plan of a thousand phone photos then reads 64 MB,
  // not gigabytes.
  std::vector<char> head(64 * 1024);
  size_t got = 0;
  while (got < head.size()) {
    const ssize_t n = ::read(fd.get(), head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{path + ": cannot read: " + std::strerror(errno)};
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  static const std::string version = subject_finder_version();
  uint64_t hash = fnv1a64(version.data(), version.size());
  const int64_t identity[3] = {static_cast<int64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec),
                               static_cast<int64_t>(st.st_mtim.tv_nsec)};
  hash = fnv1a64(identity, sizeof identity, hash);
  hash = fnv1a64(head.data(), got, hash);
  return fmt::format("{:016x}-{:x}", hash, static_cast<uint64_t>(st.st_size));
}

std::optional<FoundSubjects> SubjectCache::read(const std::string& key) const {
  std::ifstream in(fs::path(m_folder) / (key + ".json"));
  if (!in) return std::nullopt;
  try {
    const nlohmann::json entry = nlohmann::json::parse(in);
    FoundSubjects found{subjects_from_json(entry), from_base64(entry.at("thumbnail").get<std::string>())};
    return found;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged entry is found again and rewritten
  }
}

Expected<void> SubjectCache::write(const std::string& key, const FoundSubjects& found) const {
  std::error_code ec;
  fs::create_directories(m_folder, ec);
  if (ec) return Error{fmt::format("cannot make {}: {}", m_folder, ec.message())};
  // The entry is chunkreel's own, so an older one may be replaced.
  nlohmann::json entry = subjects_to_json(found.subjects);
  entry["thumbnail"] = to_base64(found.thumbnail_jpeg);
  return write_file_atomically((fs::path(m_folder) / (key + ".json")).string(), entry.dump(), Replace::k_allowed);
}

}  // namespace chunkreel
