// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/picture_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/unique_fd.h"

namespace chunkreel {
namespace {

// The header: magic, a byte-order word, the file's own name, then each
// plane's size and sample mapping. Samples follow, plane after plane, in
// BlockedPlane's layout; the magic's number names that layout (2: signed
// samples in pairs of columns), so a work folder left by a build that
// stored another is loaded afresh instead of misread.
constexpr char k_magic[16] = {'c', 'h', 'u', 'n', 'k', 'r', 'e', 'e', 'l', '-', 'p', 'i', 'c', '-', '2', '\n'};
constexpr uint32_t k_byte_order = 0x01020304;

struct PlaneHeader {
  int32_t width;
  int32_t height;
  float scale;
  float offset;
  uint64_t samples;
};

void append(std::string* out, const void* data, size_t size) {
  out->append(static_cast<const char*>(data), size);
}

std::string header_of(const SourcePicture& picture, const std::string& name) {
  std::string header;
  append(&header, k_magic, sizeof k_magic);
  append(&header, &k_byte_order, sizeof k_byte_order);
  const auto name_length = static_cast<uint32_t>(name.size());
  append(&header, &name_length, sizeof name_length);
  header += name;
  for (int i = 0; i < 3; ++i) {
    const BlockedPlane& plane = picture.plane(i);
    const PlaneHeader h{plane.width, plane.height, plane.scale, plane.offset, plane.data.size()};
    append(&header, &h, sizeof h);
  }
  return header;
}

// read() and write() move at most about 2 GiB at once and may move less.
bool read_all(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool write_all(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The size a plane of a `width` x `height` picture must have (Y' full size,
// chroma half, rounded up; see Picture::resize).
bool plane_fits(const PlaneHeader& h, int width, int height) {
  return h.width == width && h.height == height && h.samples <= (uint64_t{1} << 40) &&
         h.samples == BlockedPlane::samples_for(width, height);
}

}  // namespace

std::optional<SourcePicture> read_picture_file(const std::string& path, int width, int height) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) return std::nullopt;
  const std::string name = std::filesystem::path(path).filename().string();
  char magic[sizeof k_magic];
  uint32_t order = 0, name_length = 0;
  if (!read_all(fd.get(), magic, sizeof magic) || std::memcmp(magic, k_magic, sizeof magic) != 0 ||
      !read_all(fd.get(), &order, sizeof order) || order != k_byte_order ||
      !read_all(fd.get(), &name_length, sizeof name_length) || name_length != name.size())
    return std::nullopt;
  std::string stored(name_length, '\0');
  if (!read_all(fd.get(), stored.data(), stored.size()) || stored != name) return std::nullopt;
  PlaneHeader planes[3];
  if (!read_all(fd.get(), planes, sizeof planes)) return std::nullopt;
  const int chroma_width = (width + 1) / 2, chroma_height = (height + 1) / 2;
  if (!plane_fits(planes[0], width, height) || !plane_fits(planes[1], chroma_width, chroma_height) ||
      !plane_fits(planes[2], chroma_width, chroma_height))
    return std::nullopt;
  const uint64_t expected = sizeof magic + sizeof order + sizeof name_length + name_length + sizeof planes +
                            2 * (planes[0].samples + planes[1].samples + planes[2].samples);
  if (static_cast<uint64_t>(st.st_size) != expected) return std::nullopt;

  SourcePicture picture;
  for (int i = 0; i < 3; ++i) {
    BlockedPlane& plane = i == 0 ? picture.y : i == 1 ? picture.cb : picture.cr;
    plane.width = planes[i].width;
    plane.height = planes[i].height;
    plane.scale = planes[i].scale;
    plane.offset = planes[i].offset;
    plane.data.resize(planes[i].samples);
    if (!read_all(fd.get(), plane.data.data(), plane.data.size() * sizeof(int16_t))) return std::nullopt;
  }
  return picture;
}

Expected<void> write_picture_file(const SourcePicture& picture, const std::string& path,
                                  const std::string& temporary, int64_t keep_free) {
  const std::string header = header_of(picture, std::filesystem::path(path).filename().string());
  const int64_t bytes = static_cast<int64_t>(header.size() + picture.bytes());
  Expected<AtomicFile> created = AtomicFile::create(path, temporary);
  if (!created) return created.error();
  AtomicFile& file = created.value();
  struct statvfs fs {};
  if (::fstatvfs(file.fd(), &fs) != 0) return Error{fmt::format("{}: {}", temporary, std::strerror(errno))};
  const int64_t free_bytes = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
  if (free_bytes - bytes < keep_free)
    return Error{fmt::format("{}: left unwritten, {} bytes free", path, free_bytes)};
  bool written = write_all(file.fd(), header.data(), header.size());
  for (int i = 0; i < 3 && written; ++i) {
    const BlockedPlane& plane = picture.plane(i);
    written = write_all(file.fd(), plane.data.data(), plane.data.size() * sizeof(int16_t));
  }
  if (!written) return Error{fmt::format("{}: {}", temporary, std::strerror(errno))};
  return file.commit(Replace::k_allowed);
}

}  // namespace chunkreel
