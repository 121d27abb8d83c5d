// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/chunk_job.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/caption_json.h"
#include "common/json_fields.h"
#include "common/viewpoint_json.h"

namespace chunkreel {
namespace {

using nlohmann::json;

template <typename T>
T required(std::optional<T> value, FieldReader& r, const char* key) {
  if (!value) r.fail(key, "is required");
  return *value;
}

JobClip read_job_clip(FieldReader r) {
  JobClip clip;
  clip.file = required(r.string("file"), r, "file");
  clip.stream = static_cast<int>(required(r.integer("stream"), r, "stream"));
  clip.in = required(r.number("in"), r, "in");
  clip.out = required(r.number("out"), r, "out");
  clip.speed = required(r.number("speed"), r, "speed");
  clip.start = required(r.number("start"), r, "start");
  clip.quarter_turns = static_cast<int>(required(r.integer("quarter_turns"), r, "quarter_turns"));
  clip.interlaced = required(r.boolean("interlaced"), r, "interlaced");
  const std::string transfer = required(r.string("transfer"), r, "transfer");
  bool known = false;
  for (ClipTransfer t : {ClipTransfer::k_sdr, ClipTransfer::k_hlg, ClipTransfer::k_pq})
    if (transfer == to_string(t)) clip.transfer = t, known = true;
  if (!known) r.fail("transfer", "unknown");
  clip.matrix = required(r.string("matrix"), r, "matrix");
  clip.full_range = required(r.boolean("full_range"), r, "full_range");
  if (clip.speed <= 0 || clip.out <= clip.in) r.fail("speed", "the clip's times are not in order");
  r.finish();
  return clip;
}

ChunkJob read_job(const json& root) {
  FieldReader r(root, "");
  ChunkJob job;
  if (required(r.integer("version"), r, "version") != k_chunk_job_version)
    r.fail("version", "unsupported chunk job version");
  job.chunk_index = static_cast<int>(required(r.integer("chunk_index"), r, "chunk_index"));
  job.first_frame = required(r.integer("first_frame"), r, "first_frame");
  job.frame_count = required(r.integer("frame_count"), r, "frame_count");
  job.threads = static_cast<int>(required(r.integer("threads"), r, "threads"));
  job.chunk_path = required(r.string("chunk_path"), r, "chunk_path");

  auto o = r.object("output");
  if (!o) r.fail("output", "is required");
  OutputSettings& out = job.output;
  out.width = static_cast<int>(required(o->integer("width"), *o, "width"));
  out.height = static_cast<int>(required(o->integer("height"), *o, "height"));
  auto fps = parse_rational(required(o->string("fps"), *o, "fps"));
  if (!fps) o->fail("fps", fps.error().message);
  out.fps = fps.value();
  if (!parse_colour(required(o->string("background"), *o, "background"), &out.background))
    o->fail("background", "must be #rrggbb");
  out.video.preset = required(o->string("preset"), *o, "preset");
  out.video.crf = static_cast<int>(required(o->integer("crf"), *o, "crf"));
  out.audio_bitrate = static_cast<int>(required(o->integer("audio_bitrate"), *o, "audio_bitrate"));
  o->finish();

  const json* slides = r.raw("slides");
  if (!slides || !slides->is_array() || slides->empty()) r.fail("slides", "must be non-empty");
  for (size_t i = 0; i < slides->size(); ++i) {
    FieldReader s((*slides)[i], "slides[" + std::to_string(i) + "]");
    JobSlide slide;
    slide.span.index = static_cast<int>(required(s.integer("index"), s, "index"));
    slide.span.start = required(s.number("start"), s, "start");
    slide.span.duration = required(s.number("duration"), s, "duration");
    slide.span.in_transition = required(s.number("in_transition"), s, "in_transition");
    slide.span.out_transition = required(s.number("out_transition"), s, "out_transition");
    slide.image = required(s.string("image"), s, "image");
    if (auto card = s.string("card")) {
      Colour colour;
      if (!parse_colour(*card, &colour)) s.fail("card", "must be #rrggbb");
      slide.card = colour;
    }
    if (auto clip = s.object("clip")) slide.clip = read_job_clip(*clip);
    if (auto caption = s.object("caption")) slide.caption = read_laid_out_caption(*caption);
    if (auto shared = s.string("shared_picture")) slide.shared_picture = *shared;
    if (const json* subjects = s.raw("subjects")) {
      try {
        slide.subjects = subjects_from_json(*subjects);
      } catch (const json::exception& e) {
        s.fail("subjects", e.what());
      }
    }
    slide.image_width = static_cast<int>(required(s.integer("image_width"), s, "image_width"));
    slide.image_height = static_cast<int>(required(s.integer("image_height"), s, "image_height"));
    slide.orientation = static_cast<int>(required(s.integer("orientation"), s, "orientation"));
    if (!parse_fit(required(s.string("fit"), s, "fit"), &slide.fit)) s.fail("fit", "unknown");
    std::string type = required(s.string("out_transition_type"), s, "out_transition_type");
    if (!parse_transition_type(type, &slide.out_transition))
      s.fail("out_transition_type", "unknown");
    auto m = s.object("motion");
    if (!m) s.fail("motion", "is required");
    slide.motion.from = read_viewpoint(*m->object("from"), ViewPoint{});
    slide.motion.to = read_viewpoint(*m->object("to"), ViewPoint{});
    if (!parse_easing(required(m->string("easing"), *m, "easing"), &slide.motion.easing))
      m->fail("easing", "unknown");
    m->finish();
    s.finish();
    job.slides.push_back(slide);
  }
  r.finish();
  return job;
}

}  // namespace

std::string attempt_temporary(const std::string& path, const std::string& attempt) {
  return own_temporary_path(attempt.empty() ? path : path + "." + attempt);
}

std::string shared_picture_temporary(const std::string& shared_picture, int chunk, const std::string& attempt) {
  return attempt_temporary(fmt::format("{}.chunk{:05d}", shared_picture, chunk), attempt);
}

bool is_attempt_name(const std::string& attempt) {
  return !attempt.empty() && attempt.size() <= 64 &&
         attempt.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
             std::string::npos;
}

std::string chunk_job_to_json(const ChunkJob& job) {
  const OutputSettings& o = job.output;
  json slides = json::array();
  for (const JobSlide& s : job.slides) {
    json slide = {
        {"index", s.span.index},
        {"start", s.span.start},
        {"duration", s.span.duration},
        {"in_transition", s.span.in_transition},
        {"out_transition", s.span.out_transition},
        {"out_transition_type", to_string(s.out_transition)},
        {"image", s.image},
        {"image_width", s.image_width},
        {"image_height", s.image_height},
        {"orientation", s.orientation},
        {"fit", to_string(s.fit)},
        {"motion",
         {{"from", viewpoint_to_json(s.motion.from)},
          {"to", viewpoint_to_json(s.motion.to)},
          {"easing", to_string(s.motion.easing)}}},
    };
    if (s.card) slide["card"] = to_string(*s.card);
    if (s.clip)
      slide["clip"] = {{"file", s.clip->file},
                       {"stream", s.clip->stream},
                       {"in", s.clip->in},
                       {"out", s.clip->out},
                       {"speed", s.clip->speed},
                       {"start", s.clip->start},
                       {"quarter_turns", s.clip->quarter_turns},
                       {"interlaced", s.clip->interlaced},
                       {"transfer", to_string(s.clip->transfer)},
                       {"matrix", s.clip->matrix},
                       {"full_range", s.clip->full_range}};
    if (s.caption) slide["caption"] = laid_out_caption_to_json(*s.caption);
    if (!s.shared_picture.empty()) slide["shared_picture"] = s.shared_picture;
    if (!s.subjects.empty()) slide["subjects"] = subjects_to_json(s.subjects);
    slides.push_back(slide);
  }
  json root = {
      {"version", k_chunk_job_version},
      {"chunk_index", job.chunk_index},
      {"first_frame", job.first_frame},
      {"frame_count", job.frame_count},
      {"threads", job.threads},
      {"chunk_path", job.chunk_path},
      {"output",
       {{"width", o.width},
        {"height", o.height},
        {"fps", o.fps.to_string()},
        {"background", to_string(o.background)},
        {"preset", o.video.preset},
        {"crf", o.video.crf},
        {"audio_bitrate", o.audio_bitrate}}},
      {"slides", slides},
  };
  return root.dump(1) + "\n";
}

Expected<ChunkJob> chunk_job_from_json(const std::string& text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return Error{"chunk job: invalid JSON at " + line_and_column(text, e.byte > 0 ? e.byte - 1 : 0)};
  } catch (const json::exception& e) {
    return Error{std::string("chunk job: invalid JSON: ") + e.what()};
  }
  try {
    return read_job(root);
  } catch (const FieldError& e) {
    return Error{"chunk job: " + e.path() + ": " + e.what()};
  } catch (const json::exception& e) {
    return Error{std::string("chunk job: ") + e.what()};
  }
}

Expected<ChunkJob> read_chunk_job(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the chunk job"};
  std::ostringstream text;
  text << in.rdbuf();
  return chunk_job_from_json(text.str());
}

Expected<void> write_chunk_job(const ChunkJob& job, const std::string& path) {
  return write_file_atomically(path, chunk_job_to_json(job), Replace::k_allowed, own_temporary_path(path));
}

}  // namespace chunkreel
