// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/project_json.h"

#include "common/caption_json.h"
#include "common/timeline_json.h"

namespace chunkreel {

using nlohmann::json;

namespace {

constexpr ImageFormat k_formats[] = {ImageFormat::k_jpeg, ImageFormat::k_png,  ImageFormat::k_webp,
                                     ImageFormat::k_heif, ImageFormat::k_avif, ImageFormat::k_tiff};

json image_to_json(const ImageInfo& image) {
  return {{"format", to_string(image.format)},
          {"stored_width", image.stored_width},
          {"stored_height", image.stored_height},
          {"orientation", image.orientation},
          {"file_bytes", image.file_bytes},
          {"decoded_bytes_per_pixel", image.decoded_bytes_per_pixel},
          {"decode_peak_bytes_per_pixel", image.decode_peak_bytes_per_pixel},
          {"decode_fixed_bytes", image.decode_fixed_bytes},
          {"coefficient_bytes_per_pixel", image.coefficient_bytes_per_pixel},
          {"date_taken", image.date_taken}};
}

ImageInfo image_from_json(const json& value) {
  ImageInfo image;
  const std::string format = value.at("format").get<std::string>();
  bool known = false;
  for (ImageFormat f : k_formats)
    if (format == to_string(f)) {
      image.format = f;
      known = true;
    }
  if (!known) throw json::other_error::create(501, "unknown image format " + format, &value);
  image.stored_width = value.at("stored_width").get<int>();
  image.stored_height = value.at("stored_height").get<int>();
  image.orientation = value.at("orientation").get<int>();
  image.file_bytes = value.at("file_bytes").get<int64_t>();
  image.decoded_bytes_per_pixel = value.at("decoded_bytes_per_pixel").get<double>();
  image.decode_peak_bytes_per_pixel = value.at("decode_peak_bytes_per_pixel").get<double>();
  image.decode_fixed_bytes = value.at("decode_fixed_bytes").get<double>();
  image.coefficient_bytes_per_pixel = value.at("coefficient_bytes_per_pixel").get<double>();
  image.date_taken = value.at("date_taken").get<std::string>();
  return image;
}

constexpr ClipTransfer k_transfers[] = {ClipTransfer::k_sdr, ClipTransfer::k_hlg, ClipTransfer::k_pq};

json clip_to_json(const ClipInfo& c) {
  return {{"stream", c.stream},
          {"codec", c.codec},
          {"pixel_format", c.pixel_format},
          {"bit_depth", c.bit_depth},
          {"coded_width", c.coded_width},
          {"coded_height", c.coded_height},
          {"sar", {c.sar_num, c.sar_den}},
          {"quarter_turns", c.quarter_turns},
          {"display_width", c.display_width},
          {"display_height", c.display_height},
          {"start", c.start},
          {"duration", c.duration},
          {"frame_rate", c.frame_rate},
          {"keyframes", c.keyframes},
          {"interlaced", c.interlaced},
          {"reorder_frames", c.reorder_frames},
          {"frame_bytes", c.frame_bytes},
          {"transfer", to_string(c.transfer)},
          {"matrix", c.matrix},
          {"full_range", c.full_range},
          {"has_audio", c.has_audio},
          {"audio_offset", c.audio_offset},
          {"file_bytes", c.file_bytes},
          {"bit_rate", c.bit_rate},
          {"date_taken", c.date_taken}};
}

ClipInfo clip_from_json(const json& v) {
  ClipInfo c;
  c.stream = v.at("stream").get<int>();
  c.codec = v.at("codec").get<std::string>();
  c.pixel_format = v.at("pixel_format").get<std::string>();
  c.bit_depth = v.at("bit_depth").get<int>();
  c.coded_width = v.at("coded_width").get<int>();
  c.coded_height = v.at("coded_height").get<int>();
  c.sar_num = v.at("sar").at(0).get<int>();
  c.sar_den = v.at("sar").at(1).get<int>();
  c.quarter_turns = v.at("quarter_turns").get<int>();
  c.display_width = v.at("display_width").get<int>();
  c.display_height = v.at("display_height").get<int>();
  c.start = v.at("start").get<double>();
  c.duration = v.at("duration").get<double>();
  c.frame_rate = v.at("frame_rate").get<double>();
  c.keyframes = v.at("keyframes").get<std::vector<double>>();
  c.interlaced = v.at("interlaced").get<bool>();
  c.reorder_frames = v.at("reorder_frames").get<int>();
  c.frame_bytes = v.at("frame_bytes").get<int64_t>();
  const std::string transfer = v.at("transfer").get<std::string>();
  for (ClipTransfer t : k_transfers)
    if (transfer == to_string(t)) c.transfer = t;
  c.matrix = v.at("matrix").get<std::string>();
  c.full_range = v.at("full_range").get<bool>();
  c.has_audio = v.at("has_audio").get<bool>();
  c.audio_offset = v.at("audio_offset").get<double>();
  c.file_bytes = v.at("file_bytes").get<int64_t>();
  c.bit_rate = v.at("bit_rate").get<int64_t>();
  c.date_taken = v.at("date_taken").get<std::string>();
  return c;
}

json beats_to_json(const ShowBeats& beats) {
  return {{"track", beats.track},
          {"found", beats.found.found},
          {"tempo_bpm", beats.found.tempo_bpm},
          {"confidence", beats.found.confidence},
          {"track_times", beats.found.times},
          {"times", beats.times},
          {"boundaries", beats.boundaries},
          {"moved", beats.moved},
          {"mean_shift", beats.mean_shift},
          {"max_shift", beats.max_shift},
          {"seconds", beats.seconds}};
}

ShowBeats beats_from_json(const json& v) {
  ShowBeats beats;
  beats.track = v.at("track").get<int>();
  beats.found.found = v.at("found").get<bool>();
  beats.found.tempo_bpm = v.at("tempo_bpm").get<double>();
  beats.found.confidence = v.at("confidence").get<double>();
  beats.found.times = v.at("track_times").get<std::vector<double>>();
  beats.times = v.at("times").get<std::vector<double>>();
  beats.boundaries = v.at("boundaries").get<int>();
  beats.moved = v.at("moved").get<int>();
  beats.mean_shift = v.at("mean_shift").get<double>();
  beats.max_shift = v.at("max_shift").get<double>();
  beats.seconds = v.at("seconds").get<double>();
  return beats;
}

}  // namespace

json project_to_json(const Project& project) {
  // Auto motion was resolved against the probed images; the record keeps
  // the motion it chose, so reading never resolves again.
  Timeline explicit_motion = project.timeline;
  for (Slide& slide : explicit_motion.slides) slide.auto_motion = false;
  json images = json::array();
  for (const ImageInfo& image : project.images) images.push_back(image_to_json(image));
  json clips = json::array();
  for (const auto& clip : project.clips) clips.push_back(clip ? clip_to_json(*clip) : json(nullptr));
  json captions = json::array();
  for (const auto& caption : project.captions)
    captions.push_back(caption ? laid_out_caption_to_json(*caption) : json(nullptr));
  return {{"project_path", project.timeline.project_path},
          {"timeline", json::parse(timeline_to_json(explicit_motion))},
          {"auto_motion", [&] {
             json flags = json::array();
             for (const Slide& slide : project.timeline.slides) flags.push_back(slide.auto_motion);
             return flags;
           }()},
          {"left_out", project.timeline.left_out},
          {"images", images},
          {"clips", clips},
          {"captions", captions},
          {"subjects", [&] {
             json list = json::array();
             for (const Subjects& subjects : project.subjects) list.push_back(subjects_to_json(subjects));
             return list;
           }()},
          {"subject_search",
           {{"photos", project.subject_search.photos},
            {"found", project.subject_search.found},
            {"from_cache", project.subject_search.from_cache},
            {"seconds", project.subject_search.seconds}}},
          {"track_lengths", project.track_lengths},
          {"beats", project.beats ? beats_to_json(*project.beats) : json(nullptr)},
          {"warnings", project.warnings}};
}

Expected<Project> project_from_json(const json& value) {
  Project project;
  try {
    const std::string path = value.at("project_path").get<std::string>();
    auto timeline = parse_timeline(value.at("timeline").dump(), path);
    if (!timeline) return timeline.error();
    project.timeline = std::move(timeline.value());
    const std::vector<bool> automatic = value.at("auto_motion").get<std::vector<bool>>();
    for (size_t i = 0; i < automatic.size() && i < project.timeline.slides.size(); ++i)
      project.timeline.slides[i].auto_motion = automatic[i];
    project.timeline.left_out = value.at("left_out").get<std::vector<std::string>>();
    for (const json& image : value.at("images")) project.images.push_back(image_from_json(image));
    for (const json& clip : value.at("clips")) {
      if (clip.is_null()) project.clips.emplace_back();
      else project.clips.push_back(clip_from_json(clip));
    }
    for (const json& caption : value.at("captions")) {
      if (caption.is_null()) {
        project.captions.emplace_back();
        continue;
      }
      project.captions.push_back(read_laid_out_caption(FieldReader(caption, "captions")));
    }
    for (const json& subjects : value.at("subjects")) project.subjects.push_back(subjects_from_json(subjects));
    const json& search = value.at("subject_search");
    project.subject_search = {search.at("photos").get<int>(), search.at("found").get<int>(),
                              search.at("from_cache").get<int>(), search.at("seconds").get<double>()};
    project.track_lengths = value.at("track_lengths").get<std::vector<double>>();
    if (!value.at("beats").is_null()) project.beats = beats_from_json(value.at("beats"));
    project.warnings = value.at("warnings").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return Error{std::string("the recorded show: ") + e.what()};
  } catch (const FieldError& e) {
    return Error{"the recorded show: " + e.path() + ": " + e.what()};
  }
  if (project.images.size() != project.timeline.slides.size())
    return Error{"the recorded show: one image per slide expected"};
  project.timing = compute_timing(project.timeline.slides, project.timeline.output.fps);
  return project;
}

}  // namespace chunkreel
