// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/project_check.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "common/auto_motion.h"
#include "common/colour_profile.h"
#include "common/subject_framing.h"
#include "common/timeline_json.h"
#include "orchestrator/audio/audio_source.h"
#include "orchestrator/audio/track_analysis.h"
#include "orchestrator/audio/track_schedule.h"
#include "orchestrator/subjects/subject_search.h"
#include "orchestrator/text/caption_layout.h"

namespace chunkreel {
namespace {

// A clip file as probed, with why its sound cannot be decoded (empty when
// it can, or it has none): both checked once per file.
struct ProbedClip {
  ClipInfo info;
  std::string sound_problem;
};

// Probes a video slide's clip (once per file), checks its times against the
// clip, resolves its duration and auto motion, and records the clip in
// `project`. Returns the slide's picture size for the planner.
Expected<ImageInfo> check_clip(Slide& slide, size_t i, const std::string& name, const CheckOptions& options,
                               std::unordered_map<std::string, ProbedClip>* probed, Project* project) {
  Clip& clip = *slide.clip;
  auto field = [&](const char* key) { return fmt::format("{}: slides[{}].{}", name, i, key); };
  auto found = probed->find(clip.file);
  if (found == probed->end()) {
    Expected<ClipInfo> info = probe_clip(clip.file);
    if (!info) return Error{field("video") + ": " + info.error().message};
    const ClipInfo& c = info.value();
    const int64_t pixels = int64_t{c.coded_width} * c.coded_height;
    if (pixels > options.max_pixels)
      return Error{fmt::format("{}: {}: its {}x{} frames are {:.0f} megapixels, over the limit of {:.0f} "
                               "(raise it with --max-megapixels)",
                               field("video"), clip.file, c.coded_width, c.coded_height, pixels / 1e6,
                               options.max_pixels / 1e6)};
    if (c.transfer != ClipTransfer::k_sdr)
      project->warnings.push_back(fmt::format("{}: HDR video ({}); it is tone-mapped to SDR BT.709", clip.file,
                                              c.transfer == ClipTransfer::k_hlg ? "HLG" : "PQ"));
    ProbedClip entry{c, ""};
    if (c.has_audio)
      if (Expected<void> sound = check_audio_file(clip.file); !sound) entry.sound_problem = sound.error().message;
    found = probed->emplace(clip.file, entry).first;
  }
  const ClipInfo& info = found->second.info;
  // One frame's leeway: containers round a stream's duration.
  const double slack = info.frame_rate > 0 ? 1.0 / info.frame_rate : 0.05;
  if (clip.in >= info.duration)
    return Error{fmt::format("{}: is {:g} s, at or after the end of {} ({:.3f} s long)", field("in"), clip.in,
                             clip.file, info.duration)};
  if (clip.out && *clip.out > info.duration + slack)
    return Error{fmt::format("{}: is {:g} s, after the end of {} ({:.3f} s long)", field("out"), *clip.out,
                             clip.file, info.duration)};
  if (clip.duration_from_clip) {
    slide.duration = (info.duration - clip.in) / clip.speed;
    clip.duration_from_clip = false;
  }
  if (!found->second.sound_problem.empty() && clip.volume > 0)
    return Error{fmt::format("{}: its sound: {} (\"volume\": 0 leaves it out)", field("video"),
                             found->second.sound_problem)};
  if (slide.auto_motion)
    slide.motion = auto_motion(static_cast<int>(i), clip.file, info.display_width, info.display_height);
  project->clips.push_back(info);
  ImageInfo picture;
  picture.stored_width = info.display_width;
  picture.stored_height = info.display_height;
  picture.decoded_bytes_per_pixel = 0;
  return picture;
}

FramingRequest framing_request(const Slide& slide, size_t i, const ImageInfo& picture, const OutputSettings& out) {
  FramingRequest r;
  r.slide_index = static_cast<int>(i);
  r.image_path = slide.clip ? slide.clip->file : slide.image;
  r.image_width = picture.width();
  r.image_height = picture.height();
  r.fit = slide.fit;
  r.output_width = out.width;
  r.output_height = out.height;
  r.auto_motion = slide.auto_motion;
  r.motion = slide.motion;
  return r;
}

// Finds the subjects of every photo whose framing they could steer (once
// per file, from the cache where it can), and frames each slide by them or
// by its own focus.
Expected<void> frame_slides(Timeline& timeline, Project* project) {
  std::vector<PhotoToSearch> photos;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < timeline.slides.size(); ++i) {
    const Slide& slide = timeline.slides[i];
    if (!slide.image.empty() && slide.focus.kind == Focus::Kind::k_found &&
        framing_applies(framing_request(slide, i, project->images[i], timeline.output)) &&
        index.emplace(slide.image, photos.size()).second)
      photos.push_back({slide.image, project->images[i]});
  }
  const std::optional<SubjectCache> cache = SubjectCache::from_environment();
  // One photo per core at a time.
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Expected<SubjectSearch> search = search_subjects(photos, threads, cache);
  if (!search) return search.error();
  if (!photos.empty() && !cache)
    project->warnings.push_back("the cache of faces found is not kept: neither XDG_CACHE_HOME nor HOME is set");
  for (const std::string& warning : search.value().warnings) project->warnings.push_back(warning);
  project->subject_search = {static_cast<int>(photos.size()), search.value().found, search.value().from_cache,
                             search.value().seconds};
  project->subjects.assign(timeline.slides.size(), Subjects{});
  for (const auto& [path, at] : index) project->thumbnails[path] = search.value().thumbnails[at];
  for (size_t i = 0; i < timeline.slides.size(); ++i) {
    Slide& slide = timeline.slides[i];
    if (slide.card) continue;
    const FramingRequest request = framing_request(slide, i, project->images[i], timeline.output);
    // A slide records only what steers it (not what another slide of the
    // same photo, framed otherwise, was given).
    if (auto found = index.find(slide.image); !slide.image.empty() && found != index.end() &&
        slide.focus.kind == Focus::Kind::k_found && framing_applies(request)) {
      project->subjects[i] = search.value().subjects[found->second];
    }
    const auto framed = framed_motion(request, project->subjects[i], slide.focus);
    if (framed) slide.motion = *framed;
  }
  return {};
}

// Decodes every music track whole (once per file): its length places a
// playlist, and the track the slides follow gives its beats, onto which
// the photo slides' boundaries are moved. Slide durations are final after
// this (clips' are known already).
Expected<void> check_music(Timeline& timeline, const std::string& name, Project* project) {
  const std::atomic<bool> never{false};
  std::unordered_map<std::string, TrackAnalysis> analysed;
  const std::string beat_file = timeline.sync ? timeline.audio[timeline.sync->track].file : std::string();
  for (size_t i = 0; i < timeline.audio.size(); ++i) {
    const std::string& file = timeline.audio[i].file;
    auto known = analysed.find(file);
    if (known == analysed.end()) {
      Expected<TrackAnalysis> analysis = analyse_track(file, file == beat_file, never);
      if (!analysis) return Error{fmt::format("{}: audio[{}].file: {}", name, i, analysis.error().message)};
      known = analysed.emplace(file, analysis.value()).first;
    }
    project->track_lengths.push_back(known->second.length);
  }
  Expected<void> crossfades = check_crossfades(timeline.audio, project->track_lengths, name);
  if (!crossfades) return crossfades;
  if (!timeline.sync) return {};

  const int track = timeline.sync->track;
  const TrackAnalysis& analysis = analysed.at(timeline.audio[track].file);
  ShowBeats beats;
  beats.track = track;
  beats.found = analysis.beats;
  beats.seconds = analysis.seconds;
  if (!beats.found.found) {
    project->warnings.push_back(fmt::format("audio[{}]: {}: no steady beat found (confidence {:.2f}); the slides "
                                            "keep their durations",
                                            track, timeline.audio[track].file, beats.found.confidence));
  } else {
    // Slides move by at most the tolerance each, so the show ends before
    // this; the beats past its end are never reached.
    double horizon = 0;
    for (const Slide& slide : timeline.slides) horizon += slide.duration;
    horizon += timeline.sync->tolerance * double(timeline.slides.size());
    const std::vector<TrackPlay> plays = schedule_tracks(timeline.audio, project->track_lengths, horizon);
    beats.times = beats_in_show(plays, track, beats.found.times);
    sync_to_beats(timeline.slides, beats.times, timeline.sync->tolerance, timeline.output.fps, &beats);
  }
  project->beats = std::move(beats);
  return {};
}

}  // namespace

Expected<Project> check_project(Timeline timeline, const CheckOptions& options) {
  const std::string name = std::filesystem::path(timeline.project_path).filename().string();
  Project project;
  std::unordered_map<std::string, ImageInfo> probed;
  std::unordered_map<std::string, ProbedClip> clips;
  project.images.reserve(timeline.slides.size());
  std::unique_ptr<FontMatcher> fonts;  // fontconfig loads only for shows with captions
  for (size_t i = 0; i < timeline.slides.size(); ++i) {
    Slide& slide = timeline.slides[i];
    if (slide.caption) {
      if (!fonts) fonts = std::make_unique<FontMatcher>();
      CaptionLayoutResult laid = lay_out_caption(*slide.caption, timeline.output.width,
                                                 timeline.output.height, *fonts);
      if (!laid.ok)
        return Error{fmt::format("{}: slides[{}].caption{}{}: {}", name, i,
                                 laid.fault.field.empty() ? "" : ".", laid.fault.field,
                                 laid.fault.message)};
      for (const std::string& note : laid.notes)
        project.warnings.push_back(fmt::format("slides[{}].caption: {}", i, note));
      project.captions.push_back(std::move(laid.caption));
    } else {
      project.captions.emplace_back();
    }
    if (slide.clip) {
      Expected<ImageInfo> clip = check_clip(slide, i, name, options, &clips, &project);
      if (!clip) return clip.error();
      project.images.push_back(clip.value());
      continue;
    }
    project.clips.emplace_back();
    if (slide.card) {
      // A card fills the frame exactly and does not move.
      ImageInfo card;
      card.format = ImageFormat::k_png;
      card.stored_width = timeline.output.width;
      card.stored_height = timeline.output.height;
      card.decoded_bytes_per_pixel = 0;
      slide.fit = Fit::k_cover;
      slide.auto_motion = false;
      slide.motion = Motion{};
      project.images.push_back(card);
      continue;
    }
    auto found = probed.find(slide.image);
    if (found == probed.end()) {
      Expected<ImageInfo> info = probe_image(slide.image);
      if (!info) return Error{fmt::format("{}: slides[{}].image: {}", name, i, info.error().message)};
      const ImageInfo& image = info.value();
      const int64_t pixels = int64_t{image.stored_width} * image.stored_height;
      if (pixels > options.max_pixels)
        return Error{fmt::format(
            "{}: slides[{}].image: {}: {}x{} is {:.0f} megapixels, over the limit of {:.0f} "
            "(raise it with --max-megapixels)",
            name, i, slide.image, image.stored_width, image.stored_height, pixels / 1e6,
            options.max_pixels / 1e6)};
      found = probed.emplace(slide.image, image).first;
      // A profile that cannot be used is no reason to refuse the photo.
      auto colour = read_embedded_colour(slide.image, image.format);
      Expected<LcmsProfilePtr> profile = colour ? make_profile(colour.value()) : Expected<LcmsProfilePtr>(colour.error());
      if (!profile)
        project.warnings.push_back(slide.image + ": " + profile.error().message + "; it is shown as sRGB");
      else if (!colour.value().note.empty())
        project.warnings.push_back(slide.image + ": " + colour.value().note);
    }
    const ImageInfo& image = found->second;
    if (slide.auto_motion)
      slide.motion = auto_motion(static_cast<int>(i), slide.image, image.width(), image.height());
    project.images.push_back(image);
  }

  Expected<void> music = check_music(timeline, name, &project);
  if (!music) return music.error();

  Expected<void> framed = frame_slides(timeline, &project);
  if (!framed) return Error{fmt::format("{}: {}", name, framed.error().message)};

  // Clips without a duration have one now.
  Expected<void> times = check_slide_times(timeline);
  if (!times) return times.error();
  project.timing = compute_timing(timeline.slides, timeline.output.fps);
  if (project.timing.frames < 1)
    return Error{fmt::format("{}: slides: the show lasts {:.3f} s, shorter than one frame", name,
                             project.timing.duration)};
  project.timeline = std::move(timeline);
  return project;
}

}  // namespace chunkreel
