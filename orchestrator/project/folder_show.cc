// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/folder_show.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

#include "common/clip_probe.h"
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

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A probe's message without the path it starts with (the name is given).
std::string reason_of(const std::string& message, const fs::path& path) {
  const std::string full = path.string() + ": ";
  return message.rfind(full, 0) == 0 ? message.substr(full.size()) : message;
}

// "a.mov, b.mov and 3 more".
std::string some_names(const std::vector<std::string>& names) {
  std::string text;
  const size_t shown = std::min<size_t>(names.size(), 3);
  for (size_t i = 0; i < shown; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > shown) text += " and " + std::to_string(names.size() - shown) + " more";
  return text;
}

// Each slide holds its transitions: where a short clip cannot, both are
// shortened to half of it.
void fit_transitions(std::vector<Slide>& slides) {
  for (size_t i = 0; i < slides.size(); ++i) {
    const double half = slides[i].duration / 2;
    Transition* into = i > 0 ? &slides[i - 1].transition : nullptr;
    Transition* out = i + 1 < slides.size() ? &slides[i].transition : nullptr;
    const double in_d = into ? into->duration : 0, out_d = out ? out->duration : 0;
    if (in_d + out_d <= slides[i].duration) continue;
    for (Transition* t : {into, out})
      if (t) {
        t->duration = std::min(t->duration, half);
        if (t->duration <= 0) *t = Transition{TransitionType::k_cut, 0};
      }
  }
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

const char* to_string(LivePhotos live) { return live == LivePhotos::k_video ? "video" : "photo"; }

bool parse_live_photos(const std::string& text, LivePhotos* out) {
  for (LivePhotos l : {LivePhotos::k_photo, LivePhotos::k_video})
    if (text == to_string(l)) {
      *out = l;
      return true;
    }
  return false;
}

Expected<Timeline> timeline_from_folder(const std::string& folder, const FolderOptions& options) {
  std::error_code ec;
  struct Found {
    std::string name;
    std::optional<ClipInfo> clip;  ///< a video's probe; none for a photo
    std::string date;              ///< "YYYY-MM-DD" or empty
  };
  std::vector<Found> found;
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
    if (has_video_extension(name)) {
      auto probed = probe_clip(entry.path().string());
      if (!probed) {
        timeline.left_out.push_back(name + ": " + reason_of(probed.error().message, entry.path()));
        continue;
      }
      found.push_back({name, probed.value(), probed.value().date_taken});
      continue;
    }
    if (!is_picture(entry.path())) {
      timeline.left_out.push_back(name + ": neither a photo nor a video chunkreel reads (JPEG, PNG, WebP, "
                                         "HEIC/HEIF, AVIF, TIFF; MP4, MOV, M4V, 3GP, AVI, MKV, WebM, MTS)");
      continue;
    }
    auto probed = probe_image(entry.path().string());
    if (!probed) {
      timeline.left_out.push_back(name + ": " + reason_of(probed.error().message, entry.path()));
      continue;
    }
    found.push_back({name, std::nullopt, probed.value().date_taken});
  }
  if (ec) return Error{folder + ": cannot list the folder: " + ec.message()};

  // Live Photos: a photo and a short video of one stem, whatever the case.
  std::map<std::string, size_t> photo_of_stem;
  for (size_t i = 0; i < found.size(); ++i)
    if (!found[i].clip) photo_of_stem[lower(fs::path(found[i].name).stem().string())] = i;
  std::vector<bool> dropped(found.size(), false);
  std::vector<std::string> motions, stills;
  for (size_t i = 0; i < found.size(); ++i) {
    if (!found[i].clip || found[i].clip->duration > k_live_photo_max_seconds) continue;
    auto photo = photo_of_stem.find(lower(fs::path(found[i].name).stem().string()));
    if (photo == photo_of_stem.end()) continue;
    if (options.live_photos == LivePhotos::k_video) {
      dropped[photo->second] = true;
      stills.push_back(found[photo->second].name);
      // The motion has no date of its own in some exports; the still has.
      if (found[i].date.empty()) found[i].date = found[photo->second].date;
    } else {
      dropped[i] = true;
      motions.push_back(found[i].name);
    }
  }
  std::sort(motions.begin(), motions.end(), natural_less);
  std::sort(stills.begin(), stills.end(), natural_less);
  std::sort(timeline.left_out.begin(), timeline.left_out.end(), natural_less);
  if (!motions.empty())
    timeline.left_out.push_back(some_names(motions) + ": the motion of " + std::to_string(motions.size()) +
                                " Live Photo" + (motions.size() > 1 ? "s" : "") +
                                ", whose photos show (--live-photos video plays the motion instead)");
  if (!stills.empty())
    timeline.left_out.push_back(some_names(stills) + ": the photo of " + std::to_string(stills.size()) +
                                " Live Photo" + (stills.size() > 1 ? "s" : "") +
                                ", whose motion plays (--live-photos video)");
  std::vector<Found> shown;
  for (size_t i = 0; i < found.size(); ++i)
    if (!dropped[i]) shown.push_back(std::move(found[i]));
  if (shown.empty())
    return Error{folder + ": holds no photo or video chunkreel can use" +
                 (timeline.left_out.empty() ? std::string() : " (" + timeline.left_out.front() + (timeline.left_out.size() > 1 ? ", ..." : "") + ")")};
  std::sort(shown.begin(), shown.end(), [](const Found& a, const Found& b) { return natural_less(a.name, b.name); });

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
  const double frame_aspect = double(options.width) / options.height;
  for (const Found& file : shown) {
    Slide slide;
    const std::string path = (fs::absolute(folder) / file.name).lexically_normal().string();
    slide.transition = {options.transition, transition};
    if (file.clip) {
      Clip clip;
      clip.file = path;
      slide.duration = std::min(file.clip->duration, options.max_clip_seconds);
      if (file.clip->duration > options.max_clip_seconds) clip.out = options.max_clip_seconds;
      slide.clip = clip;
      // A clip of another shape (a portrait phone video) is shown whole on
      // its own blurred copy rather than cropped to a band.
      const double aspect = double(file.clip->display_width) / file.clip->display_height;
      slide.fit = std::abs(aspect / frame_aspect - 1) > 0.1 ? Fit::k_contain_blur : Fit::k_cover;
    } else {
      slide.image = path;
      slide.duration = options.seconds_per_slide;
      slide.auto_motion = true;
      if (!options.find_subjects) slide.focus.kind = Focus::Kind::k_none;
    }
    if (options.captions == FolderCaptions::k_name)
      slide.caption = photo_caption(fs::path(file.name).stem().string());
    // A file that does not say when it was taken gets no caption.
    const std::string date = long_date(file.date);
    if (options.captions == FolderCaptions::k_date && !date.empty())
      slide.caption = photo_caption(date);
    timeline.slides.push_back(slide);
  }
  fit_transitions(timeline.slides);
  for (const std::string& music : options.music) {
    AudioTrack track;
    track.file = fs::absolute(music).lexically_normal().string();
    track.after_previous = !timeline.audio.empty();
    track.loop = timeline.audio.empty();
    track.fade_in = timeline.audio.empty() ? 1.0 : 0.0;
    track.fade_out = 3.0;
    timeline.audio.push_back(track);
  }
  timeline.audio_mix.loudness = options.loudness;
  if (options.sync_beats && !timeline.audio.empty()) timeline.sync = BeatSync{};
  return timeline;
}

std::string timeline_as_project(Timeline timeline, const std::string& project_folder) {
  const fs::path base = fs::absolute(project_folder);
  for (Slide& slide : timeline.slides) {
    if (slide.clip) slide.clip->file = fs::path(slide.clip->file).lexically_relative(base).string();
    else if (!slide.card) slide.image = fs::path(slide.image).lexically_relative(base).string();
  }
  for (AudioTrack& track : timeline.audio) track.file = fs::path(track.file).lexically_relative(base).string();
  return timeline_to_json(timeline);
}

}  // namespace chunkreel
