// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/folder_show.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/image_probe.h"
#include "common/utf8.h"
#include "common/timeline_json.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;

bool is_picture(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".hif", ".avif", ".tif", ".tiff"})
    if (ext == known) return true;
  return false;
}

Caption photo_caption(std::string text) {
  Caption caption;  // the default style: white with a soft shadow
  caption.text = std::move(text);
  return caption;
}

}  // namespace

std::string long_date(const std::string& iso) {
  static const char* const k_months[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return {};
  const int year = std::atoi(iso.substr(0, 4).c_str());
  const int month = std::atoi(iso.substr(5, 2).c_str());
  const int day = std::atoi(iso.substr(8, 2).c_str());
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return {};
  return std::to_string(day) + " " + k_months[month - 1] + " " + std::to_string(year);
}

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end]))) ++i_end;
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end]))) ++j_end;
      // Compare by value: strip leading zeros, then length, then digits.
      size_t ia = i, jb = j;
      while (ia + 1 < i_end && a[ia] == '0') ++ia;
      while (jb + 1 < j_end && b[jb] == '0') ++jb;
      if (i_end - ia != j_end - jb) return i_end - ia < j_end - jb;
      int order = a.compare(ia, i_end - ia, b, jb, j_end - jb);
      if (order != 0) return order < 0;
      i = i_end;
      j = j_end;
      continue;
    }
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[j]));
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // a stable tie-break for names equal but for case or zeros
}

const char* to_string(FolderCaptions captions) {
  switch (captions) {
    case FolderCaptions::k_name: return "name";
    case FolderCaptions::k_date: return "date";
    case FolderCaptions::k_none: return "none";
  }
  return "none";
}

bool parse_folder_captions(const std::string& text, FolderCaptions* out) {
  for (FolderCaptions c : {FolderCaptions::k_none, FolderCaptions::k_name, FolderCaptions::k_date})
    if (text == to_string(c)) {
      *out = c;
      return true;
    }
  return false;
}

Expected<Timeline> timeline_from_folder(const std::string& folder, const FolderOptions& options) {
  std::error_code ec;
  std::vector<std::string> names;
  std::map<std::string, std::string> dates;  // name -> "YYYY-MM-DD"
  Timeline timeline;
  // Every file is either a slide or left out with its reason; hidden files
  // (".DS_Store", "._IMG_1.JPG") and folders are not part of the show.
  if (!is_utf8(fs::absolute(folder).string()))
    return Error{escape_non_utf8(folder) + ": the folder's path is not UTF-8, which chunkreel's records (JSON) "
                                           "cannot hold; rename it"};
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || name.front() == '.') continue;
    if (!is_utf8(name)) {
      timeline.left_out.push_back(escape_non_utf8(name) + ": its name is not UTF-8 (rename it to show it)");
      continue;
    }
    if (!is_picture(entry.path())) {
      timeline.left_out.push_back(name + ": not a photo chunkreel reads (JPEG, PNG, WebP, HEIC/HEIF, AVIF, TIFF)");
      continue;
    }
    auto probed = probe_image(entry.path().string());
    if (!probed) {
      const std::string why = probed.error().message;
      const std::string full = entry.path().string() + ": ";
      timeline.left_out.push_back(name + ": " + (why.rfind(full, 0) == 0 ? why.substr(full.size()) : why));
      continue;
    }
    names.push_back(name);
    dates[name] = probed.value().date_taken;
  }
  if (ec) return Error{folder + ": cannot list the folder: " + ec.message()};
  std::sort(timeline.left_out.begin(), timeline.left_out.end(), natural_less);
  if (names.empty())
    return Error{folder + ": holds no photo chunkreel can use" +
                 (timeline.left_out.empty() ? std::string() : " (" + timeline.left_out.front() + (timeline.left_out.size() > 1 ? ", ..." : "") + ")")};
  std::sort(names.begin(), names.end(), natural_less);

  timeline.project_path = (fs::absolute(folder) / "(folder show)").string();
  timeline.output.width = options.width;
  timeline.output.height = options.height;
  timeline.output.fps = options.fps;
  const double transition = options.transition == TransitionType::k_cut
                                ? 0.0
                                : std::min(1.0, options.seconds_per_slide / 3);
  if (!options.title.empty()) {
    Slide card;
    card.card = timeline.output.background;
    card.duration = options.seconds_per_slide;
    card.transition = {options.transition, transition};
    Caption title;
    title.text = options.title;
    title.size = 0.08;
    title.place = CaptionPlace::k_center;
    card.caption = title;
    timeline.slides.push_back(card);
  }
  for (const std::string& name : names) {
    Slide slide;
    slide.image = (fs::absolute(folder) / name).lexically_normal().string();
    slide.duration = options.seconds_per_slide;
    slide.auto_motion = true;
    slide.transition = {options.transition, transition};
    if (options.captions == FolderCaptions::k_name)
      slide.caption = photo_caption(fs::path(name).stem().string());
    // A photo that does not say when it was taken gets no caption.
    const std::string date = long_date(dates[name]);
    if (options.captions == FolderCaptions::k_date && !date.empty())
      slide.caption = photo_caption(date);
    timeline.slides.push_back(slide);
  }
  if (!options.music.empty()) {
    AudioTrack track;
    track.file = fs::absolute(options.music).lexically_normal().string();
    track.loop = true;
    track.fade_in = 1.0;
    track.fade_out = 3.0;
    timeline.audio.push_back(track);
  }
  return timeline;
}

std::string timeline_as_project(Timeline timeline, const std::string& project_folder) {
  const fs::path base = fs::absolute(project_folder);
  for (Slide& slide : timeline.slides)
    if (!slide.card) slide.image = fs::path(slide.image).lexically_relative(base).string();
  for (AudioTrack& track : timeline.audio) track.file = fs::path(track.file).lexically_relative(base).string();
  return timeline_to_json(timeline);
}

}  // namespace chunkreel
