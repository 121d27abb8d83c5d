// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/content_key.h"

#include <link.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "common/prefilter_size.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libswscale/swscale.h>
}

namespace chunkreel {

namespace {

std::string version_text(unsigned version) {
  return fmt::format("{}.{}.{}", version >> 16, (version >> 8) & 0xff, version & 0xff);
}

// The file name libx264 was loaded under: its soname carries x264's build.
int find_x264(dl_phdr_info* info, size_t, void* found) {
  const std::string name = info->dlpi_name ? info->dlpi_name : "";
  const size_t at = name.find("libx264.so");
  if (at != std::string::npos) *static_cast<std::string*>(found) = name.substr(at);
  return 0;
}

}  // namespace

std::string loaded_x264() {
  std::string x264 = "libx264 (not loaded)";
  dl_iterate_phdr(find_x264, &x264);
  return x264;
}

const std::string& content_version() {
  static const std::string version = [] {
    const std::string x264 = loaded_x264();
    return fmt::format("chunkreel {}; {}; libavcodec {}; libswscale {}; libavfilter {}", CHUNKREEL_VERSION,
                       x264, version_text(avcodec_version()), version_text(swscale_version()),
                       version_text(avfilter_version()));
  }();
  return version;
}

uint64_t fnv1a64(const void* data, size_t size, uint64_t hash) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

namespace {

std::string image_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + ":missing";
  std::ifstream in(path, std::ios::binary);
  std::vector<char> head(65536);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  const uint64_t head_hash = fnv1a64(head.data(), static_cast<size_t>(in.gcount()));
  return fmt::format("{}:{}:{}.{:09}:{:016x}", path, static_cast<int64_t>(st.st_size),
                     static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<int64_t>(st.st_mtim.tv_nsec),
                     head_hash);
}

}  // namespace

std::string chunk_content_key(const ChunkJob& job) {
  ChunkJob canonical = job;
  canonical.chunk_path.clear();
  canonical.chunk_index = 0;
  for (JobSlide& slide : canonical.slides) slide.shared_picture.clear();
  std::string text = content_version() + "\n" + chunk_job_to_json(canonical);
  std::set<std::string> images;
  for (const JobSlide& slide : job.slides) {
    if (!slide.image.empty()) images.insert(slide.image);
    if (slide.clip) images.insert(slide.clip->file);
    // A caption's look is its font files as much as its text.
    if (slide.caption)
      for (const FontFile& font : slide.caption->fonts) images.insert(font.path);
  }
  for (const std::string& image : images) text += image_identity(image) + "\n";
  return fmt::format("{:016x}", fnv1a64(text.data(), text.size()));
}

std::string picture_content_key(const JobSlide& slide, const OutputSettings& output) {
  int width = 0, height = 0;
  prefiltered_size(slide.image_width, slide.image_height, slide.fit, slide.motion, output.width, output.height,
                   &width, &height);
  const std::string text = fmt::format("{}\n{}\n{}\n{}x{}\n{}\n", content_version(), image_identity(slide.image),
                                       slide.orientation, width, height, to_string(output.background));
  return fmt::format("{:016x}", fnv1a64(text.data(), text.size()));
}

std::string timeline_content_key(const std::string& timeline_json,
                                 const std::vector<std::string>& media_files) {
  std::string text = content_version() + "\n" + timeline_json;
  std::set<std::string> files(media_files.begin(), media_files.end());
  for (const std::string& file : files) text += image_identity(file) + "\n";
  return fmt::format("{:016x}", fnv1a64(text.data(), text.size()));
}

}  // namespace chunkreel
