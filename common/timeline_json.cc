// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/timeline_json.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/caption_json.h"
#include "common/json_fields.h"
#include "common/viewpoint_json.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Limits that catch typos and absurd values before anything is allocated.
constexpr int k_max_dimension = 8192;
constexpr int k_min_dimension = 16;
constexpr double k_max_fps = 240;
constexpr double k_max_slide_seconds = 24 * 3600;
// A track's start and fades: far past any show, far from overflowing a
// count of samples.
constexpr double k_max_track_seconds = 1e6;
constexpr double k_min_loudness = -70, k_max_loudness = -5;  // LUFS
constexpr double k_min_true_peak = -9;                       // dBTP
// A frame rate's numerator and denominator must fit FFmpeg's int rationals.
constexpr int64_t k_max_fps_part = 1'000'000;

std::string resolve_path(const std::string& relative, const fs::path& base) {
  fs::path p(relative);
  if (p.is_relative()) p = base / p;
  return p.lexically_normal().string();
}

Transition read_transition(FieldReader reader, Transition fallback) {
  Transition t = fallback;
  if (auto type = reader.string("type")) {
    if (!parse_transition_type(*type, &t.type))
      reader.fail("type", "unknown transition '" + *type +
                              "' (cut, crossfade, fade-black, wipe-left, wipe-right, wipe-up, "
                              "wipe-down, slide-left, slide-right)");
  }
  if (auto d = reader.number("duration")) {
    if (*d < 0) reader.fail("duration", "must be at least 0");
    if (*d > k_max_slide_seconds) reader.fail("duration", "is absurdly long");
    t.duration = *d;
  }
  reader.finish();
  if (t.type == TransitionType::k_cut) t.duration = 0;
  if (t.type != TransitionType::k_cut && t.duration == 0) t.type = TransitionType::k_cut;
  return t;
}

// Motion is an object (fields default to `fallback`'s) or the string "auto".
void read_motion(FieldReader& parent, Motion fallback, bool fallback_auto, Motion* motion,
                 bool* automatic) {
  *motion = fallback;
  *automatic = fallback_auto;
  const json* value = parent.raw("motion");
  if (!value) return;
  if (value->is_string()) {
    if (value->get<std::string>() != "auto")
      parent.fail("motion", "must be an object or the string \"auto\"");
    *automatic = true;
    return;
  }
  FieldReader reader(*value, parent.path_of("motion"));
  *automatic = false;
  if (auto from = reader.object("from")) motion->from = read_viewpoint(*from, fallback.from);
  if (auto to = reader.object("to")) motion->to = read_viewpoint(*to, fallback.to);
  if (auto easing = reader.string("easing")) {
    if (!parse_easing(*easing, &motion->easing))
      reader.fail("easing",
                  "unknown easing '" + *easing + "' (linear, ease-in, ease-out, ease-in-out)");
  }
  reader.finish();
}

// "focus": "auto", "none", [x, y] or {"box": [x, y, width, height]}, in
// normalised coordinates of the upright photo.
Focus read_focus(FieldReader& parent, const Focus& fallback) {
  const json* value = parent.raw("focus");
  if (!value) return fallback;
  const char* expected = "must be \"auto\", \"none\", a point [x, y] or {\"box\": [x, y, width, height]}";
  Focus focus;
  auto coordinates = [&](const json& list, size_t count, const std::string& key) {
    if (!list.is_array() || list.size() != count) parent.fail(key, expected);
    std::vector<double> numbers;
    for (const json& n : list) {
      if (!n.is_number()) parent.fail(key, expected);
      const double v = n.get<double>();
      if (!(v >= 0 && v <= 1)) parent.fail(key, "takes coordinates from 0 to 1 (fractions of the photo's width and height)");
      numbers.push_back(v);
    }
    return numbers;
  };
  if (value->is_string()) {
    const std::string text = value->get<std::string>();
    if (text == "none") focus.kind = Focus::Kind::k_none;
    else if (text != "auto") parent.fail("focus", expected);
  } else if (value->is_array()) {
    const std::vector<double> p = coordinates(*value, 2, "focus");
    focus.kind = Focus::Kind::k_point;
    focus.box = Box{p[0], p[1], 0, 0};
  } else if (value->is_object()) {
    FieldReader reader(*value, parent.path_of("focus"));
    const json* box = reader.raw("box");
    if (!box) reader.fail("box", "is required: [x, y, width, height]");
    const std::vector<double> b = coordinates(*box, 4, "focus.box");
    if (b[2] <= 0 || b[3] <= 0) reader.fail("box", "must have a width and a height above 0");
    if (b[0] + b[2] > 1 + 1e-9 || b[1] + b[3] > 1 + 1e-9) reader.fail("box", "must lie inside the photo (x + width and y + height at most 1)");
    reader.finish();
    focus.kind = Focus::Kind::k_box;
    focus.box = Box{b[0], b[1], b[2], b[3]};
  } else {
    parent.fail("focus", expected);
  }
  return focus;
}

json focus_to_json(const Focus& focus) {
  switch (focus.kind) {
    case Focus::Kind::k_none: return "none";
    case Focus::Kind::k_point: return json::array({focus.box.x, focus.box.y});
    case Focus::Kind::k_box: return {{"box", box_to_json(focus.box)}};
    default: return "auto";
  }
}

// Reads the slide fields shared by `defaults` and each slide.
void read_slide_fields(FieldReader& reader, const Slide& fallback, Slide* slide) {
  if (auto d = reader.number("duration")) {
    if (*d <= 0) reader.fail("duration", "must be greater than 0");
    if (*d > k_max_slide_seconds) reader.fail("duration", "is absurdly long (over 24 hours)");
    slide->duration = *d;
  } else {
    slide->duration = fallback.duration;
  }
  slide->fit = fallback.fit;
  if (auto fit = reader.string("fit")) {
    if (!parse_fit(*fit, &slide->fit))
      reader.fail("fit", "unknown fit '" + *fit + "' (cover, contain, contain-blur)");
  }
  read_motion(reader, fallback.motion, fallback.auto_motion, &slide->motion,
              &slide->auto_motion);
  slide->focus = read_focus(reader, fallback.focus);
  slide->transition = fallback.transition;
  if (auto t = reader.object("transition"))
    slide->transition = read_transition(*t, fallback.transition);
}

OutputSettings read_output(FieldReader reader) {
  OutputSettings out;
  auto dimension = [&](const char* key, int* target) {
    if (auto v = reader.integer(key)) {
      if (*v < k_min_dimension || *v > k_max_dimension)
        reader.fail(key, "must be between 16 and 8192");
      if (*v % 2 != 0) reader.fail(key, "must be even (4:2:0 video)");
      *target = static_cast<int>(*v);
    }
  };
  dimension("width", &out.width);
  dimension("height", &out.height);
  if (const json* fps = reader.raw("fps")) {
    std::string text;
    if (fps->is_number()) {
      text = std::to_string(*reader.integer("fps"));  // 30 and 30.0 alike, as JSON Schema's integer
    } else if (fps->is_string()) {
      text = fps->get<std::string>();
    } else {
      reader.fail("fps", "must be an integer or a string such as \"30000/1001\"");
    }
    auto rate = parse_rational(text);
    if (!rate) reader.fail("fps", rate.error().message);
    if (rate.value().to_double() > k_max_fps) reader.fail("fps", "must be at most 240");
    if (rate.value().to_double() < 1) reader.fail("fps", "must be at least 1");
    if (rate.value().num > k_max_fps_part || rate.value().den > k_max_fps_part)
      reader.fail("fps", "needs a numerator and denominator of at most 1000000 (such as 30000/1001)");
    out.fps = rate.value();
  }
  if (auto bg = reader.string("background")) {
    if (!parse_colour(*bg, &out.background))
      reader.fail("background", "must be a colour written #rrggbb");
  }
  if (auto video = reader.object("video")) {
    if (auto preset = video->string("preset")) {
      if (!is_x264_preset(*preset))
        video->fail("preset", "unknown x264 preset '" + *preset + "'");
      out.video.preset = *preset;
    }
    if (auto crf = video->integer("crf")) {
      if (*crf < 0 || *crf > 51) video->fail("crf", "must be between 0 and 51");
      out.video.crf = static_cast<int>(*crf);
    }
    video->finish();
  }
  if (auto audio = reader.object("audio")) {
    if (auto bitrate = audio->integer("bitrate")) {
      if (*bitrate < 32000 || *bitrate > 512000)
        audio->fail("bitrate", "must be between 32000 and 512000 bits per second");
      out.audio_bitrate = static_cast<int>(*bitrate);
    }
    audio->finish();
  }
  reader.finish();
  return out;
}

AudioTrack read_track(FieldReader reader, const fs::path& base) {
  AudioTrack track;
  auto file = reader.string("file");
  if (!file || file->empty()) reader.fail("file", "is required");
  track.file = resolve_path(*file, base);
  auto seconds = [&](const char* key, double* target) {
    if (auto v = reader.number(key)) {
      if (*v < 0 || *v > k_max_track_seconds) reader.fail(key, "must be from 0 to 1000000 seconds");
      *target = *v;
    }
  };
  seconds("start", &track.start);
  if (auto after = reader.string("after")) {
    if (*after != "previous") reader.fail("after", "must be \"previous\" (the track starts where the one before ends)");
    if (reader.has("start")) reader.fail("after", "a track has \"start\" or \"after\", not both");
    track.after_previous = true;
  }
  if (reader.has("crossfade")) {
    double crossfade = 0;
    seconds("crossfade", &crossfade);
    track.crossfade = crossfade;
  }
  seconds("fade_in", &track.fade_in);
  seconds("fade_out", &track.fade_out);
  if (auto v = reader.number("volume")) {
    if (*v < 0 || *v > 10) reader.fail("volume", "must be between 0 and 10");
    track.volume = *v;
  }
  if (auto loop = reader.boolean("loop")) track.loop = *loop;
  if (track.after_previous && track.loop)
    reader.fail("loop", "belongs on a playlist's first track (the whole list loops)");
  if (const json* duck = reader.raw("duck")) {
    if (duck->is_boolean()) {
      if (!duck->get<bool>()) track.duck.reset();
    } else {
      FieldReader d(*duck, reader.path_of("duck"));
      Ducking ducking;
      if (auto gain = d.number("gain_db")) {
        if (*gain < -60 || *gain > 0) d.fail("gain_db", "must be from -60 to 0 dB");
        ducking.gain_db = *gain;
      }
      for (auto [key, target] : {std::pair{"attack", &ducking.attack}, std::pair{"release", &ducking.release}})
        if (auto v = d.number(key)) {
          if (*v < 0 || *v > 10) d.fail(key, "must be from 0 to 10 seconds");
          *target = *v;
        }
      d.finish();
      track.duck = ducking;
    }
  }
  reader.finish();
  return track;
}

// A playlist is a track and the tracks after it that have "after":
// "previous". Checks what can be known before the files are opened; the
// crossfades against the tracks' lengths are checked once those are known
// (track_schedule.h). A playlist track's fade at the show's end defaults to
// its crossfade, so a list cut by the show's end never stops dead.
void check_playlists(std::vector<AudioTrack>& tracks) {
  for (size_t i = 0; i < tracks.size(); ++i) {
    const std::string field = "audio[" + std::to_string(i) + "]";
    AudioTrack& track = tracks[i];
    if (track.after_previous && i == 0)
      throw FieldError(field + ".after", "the first track has no track before it to follow");
    const bool followed = i + 1 < tracks.size() && tracks[i + 1].after_previous;
    if (track.crossfade && !track.after_previous && !track.loop)
      throw FieldError(field + ".crossfade",
                       "belongs to a track with \"after\": \"previous\", or to a looping track (its overlap "
                       "where it starts again)");
    if ((track.after_previous || followed) && track.fade_out == 0)
      track.fade_out = track.crossfade.value_or(k_default_crossfade);
  }
}

// "timing": {"sync": "beats" | "none", "track": N, "tolerance": S}. The
// track is checked against `tracks` when known (defaults are read before
// the tracks). None for "sync": "none".
std::optional<BeatSync> read_timing(FieldReader reader, std::optional<size_t> tracks) {
  auto sync = reader.string("sync");
  if (!sync) reader.fail("sync", "is required: \"beats\" or \"none\"");
  if (*sync != "beats" && *sync != "none") reader.fail("sync", "must be \"beats\" or \"none\"");
  BeatSync beats;
  if (auto track = reader.integer("track")) {
    if (*track < 0 || (tracks && static_cast<size_t>(*track) >= *tracks))
      reader.fail("track", "names no track of \"audio\"");
    if (*track > 100000) reader.fail("track", "names no track of \"audio\"");
    beats.track = static_cast<int>(*track);
  } else if (tracks && *tracks == 0 && *sync == "beats") {
    reader.fail("sync", "needs a music track in \"audio\" to take the beats from");
  }
  if (auto tolerance = reader.number("tolerance")) {
    if (*tolerance <= 0 || *tolerance > 5) reader.fail("tolerance", "must be more than 0 and at most 5 seconds");
    beats.tolerance = *tolerance;
  }
  reader.finish();
  if (*sync == "none") return std::nullopt;
  return beats;
}

// The clip fields of a video slide (`video` already read).
Clip read_clip(FieldReader& reader, std::string file) {
  Clip clip;
  clip.file = std::move(file);
  if (auto in = reader.number("in")) {
    if (*in < 0 || *in > k_max_slide_seconds) reader.fail("in", "must be from 0 to 86400 seconds");
    clip.in = *in;
  }
  if (auto out = reader.number("out")) {
    if (*out <= clip.in) reader.fail("out", fmt::format("must be after in ({:g} s)", clip.in));
    if (*out > k_max_slide_seconds) reader.fail("out", "must be at most 86400 seconds");
    clip.out = *out;
  }
  if (auto speed = reader.number("speed")) {
    if (*speed < 0.25 || *speed > 4) reader.fail("speed", "must be from 0.25 to 4");
    clip.speed = *speed;
  }
  if (auto volume = reader.number("volume")) {
    if (*volume < 0 || *volume > 10) reader.fail("volume", "must be between 0 and 10");
    clip.volume = *volume;
  }
  return clip;
}

// A clip's duration is its own length unless the slide gives one (never the
// defaults' photo duration), and it moves only when the slide says so.
void apply_clip_defaults(const json& slide_json, Slide* slide) {
  Clip& clip = *slide->clip;
  if (!slide_json.contains("duration")) {
    if (clip.out) {
      slide->duration = (*clip.out - clip.in) / clip.speed;
    } else {
      clip.duration_from_clip = true;
      slide->duration = 0;
    }
  }
  if (!slide_json.contains("motion")) {
    slide->motion = Motion{};
    slide->auto_motion = false;
  }
}

// A caption's window lies inside its slide's visible time.
void check_caption_times(const Caption& caption, double duration, const std::string& path) {
  std::ostringstream message;
  if (caption.style.start >= duration) {
    message << "is " << caption.style.start << " s, not inside the slide's " << duration << " s";
    throw FieldError(path + ".start", message.str());
  }
  if (caption.style.end > duration + 1e-9) {
    message << "is " << caption.style.end << " s, after the slide's " << duration << " s end";
    throw FieldError(path + ".end", message.str());
  }
}

// Each slide must hold its incoming and outgoing transitions (a clip whose
// length is not known yet is checked once it is).
void check_transitions_fit(const std::vector<Slide>& slides) {
  for (size_t i = 0; i < slides.size(); ++i) {
    if (slides[i].clip && slides[i].clip->duration_from_clip) continue;
    double in = i > 0 ? slides[i - 1].transition.duration : 0.0;
    double out = i + 1 < slides.size() ? slides[i].transition.duration : 0.0;
    if (in + out > slides[i].duration + 1e-9) {
      std::ostringstream message;
      message << "the transitions into and out of slide " << i << " (" << in << " s + " << out
              << " s) are longer than the slide (" << slides[i].duration << " s)";
      std::string path = out > 0 ? "slides[" + std::to_string(i) + "].transition.duration"
                                 : "slides[" + std::to_string(i - 1) + "].transition.duration";
      throw FieldError(path, message.str());
    }
  }
}

Timeline read_timeline(const json& root, const std::string& path) {
  FieldReader reader(root, "");
  Timeline timeline;
  timeline.project_path = path;
  fs::path base = fs::path(path).parent_path();

  auto version = reader.integer("version");
  if (!version) reader.fail("version", "is required (the only version is 1)");
  if (*version != 1) reader.fail("version", "must be 1");
  // Where the show's JSON Schema is, for editors (common/show.schema.json).
  reader.string("$schema");

  if (auto output = reader.object("output")) timeline.output = read_output(*output);

  Slide defaults;
  Caption default_caption;
  // `defaults.timing`, read before the tracks it names: none when absent,
  // an empty sync for "sync": "none".
  std::optional<std::optional<BeatSync>> default_sync;
  if (auto d = reader.object("defaults")) {
    read_slide_fields(*d, Slide{}, &defaults);
    if (auto timing = d->object("timing")) default_sync = read_timing(*timing, std::nullopt);
    if (const json* caption = d->raw("caption")) {
      // The style every caption starts from; the words are each slide's own.
      if (!caption->is_object() || caption->contains("text"))
        d->fail("caption", "gives every caption's style, never its text: an object without \"text\"");
      default_caption = read_caption(*caption, d->path_of("caption"), Caption{}, TextRequired::k_no);
    }
    d->finish();
  }

  const json* slides = reader.raw("slides");
  if (!slides || !slides->is_array() || slides->empty())
    reader.fail("slides", "must be a non-empty array of slides");
  for (size_t i = 0; i < slides->size(); ++i) {
    FieldReader slide_reader((*slides)[i], "slides[" + std::to_string(i) + "]");
    Slide slide;
    auto image = slide_reader.string("image");
    auto card = slide_reader.string("color");
    auto video = slide_reader.string("video");
    if (int(bool(image)) + int(bool(card)) + int(bool(video)) > 1)
      slide_reader.fail(video ? "video" : "color", "a slide has one of image, color or video");
    if (!video)
      for (const char* key : {"in", "out", "speed", "volume"})
        if (slide_reader.has(key)) slide_reader.fail(key, "belongs to a video slide only");
    if (video) {
      if (video->empty()) slide_reader.fail("video", "must name a video file");
      slide.clip = read_clip(slide_reader, resolve_path(*video, base));
    } else if (card) {
      Colour colour;
      if (!parse_colour(*card, &colour)) slide_reader.fail("color", "must be a colour written #rrggbb");
      if (slide_reader.has("focus")) slide_reader.fail("focus", "belongs to a photo or video slide, not a title card");
      slide.card = colour;
    } else {
      if (!image || image->empty())
        slide_reader.fail("image", "is required (or \"color\" for a title card, \"video\" for a clip)");
      slide.image = resolve_path(*image, base);
    }
    read_slide_fields(slide_reader, defaults, &slide);
    if (slide.clip) apply_clip_defaults((*slides)[i], &slide);
    if (const json* caption = slide_reader.raw("caption")) {
      slide.caption = read_caption(*caption, slide_reader.path_of("caption"), default_caption,
                                   TextRequired::k_yes);
      if (!slide.clip || !slide.clip->duration_from_clip)
        check_caption_times(*slide.caption, slide.duration, slide_reader.path_of("caption"));
    }
    slide_reader.finish();
    timeline.slides.push_back(std::move(slide));
  }
  check_transitions_fit(timeline.slides);

  if (const json* audio = reader.raw("audio")) {
    if (!audio->is_array()) reader.fail("audio", "must be an array of tracks");
    for (size_t i = 0; i < audio->size(); ++i)
      timeline.audio.push_back(
          read_track(FieldReader((*audio)[i], "audio[" + std::to_string(i) + "]"), base));
  }
  check_playlists(timeline.audio);
  if (auto timing = reader.object("timing")) {
    if (default_sync) reader.fail("timing", "is given in \"defaults\" already; give it once");
    timeline.sync = read_timing(*timing, timeline.audio.size());
  } else if (default_sync) {
    timeline.sync = *default_sync;
    if (timeline.sync && static_cast<size_t>(timeline.sync->track) >= timeline.audio.size())
      throw FieldError("defaults.timing.track", "names no track of \"audio\"");
  }
  if (auto mix = reader.object("audio_mix")) {
    if (const json* loudness = mix->raw("loudness")) {
      if (loudness->is_null()) {
        timeline.audio_mix.loudness.reset();
      } else {
        const auto lufs = mix->number("loudness");
        if (*lufs < k_min_loudness || *lufs > k_max_loudness)
          mix->fail("loudness", "must be from -70 to -5 LUFS, or null to leave the mix as it is");
        timeline.audio_mix.loudness = *lufs;
      }
    }
    if (auto peak = mix->number("true_peak")) {
      if (*peak < k_min_true_peak || *peak > 0) mix->fail("true_peak", "must be from -9 to 0 dBTP");
      timeline.audio_mix.true_peak = *peak;
    }
    mix->finish();
  }
  reader.finish();
  return timeline;
}

}  // namespace

Expected<void> check_slide_times(const Timeline& timeline) {
  const std::string name = fs::path(timeline.project_path).filename().string();
  try {
    for (size_t i = 0; i < timeline.slides.size(); ++i) {
      const Slide& slide = timeline.slides[i];
      if (slide.caption)
        check_caption_times(*slide.caption, slide.duration, "slides[" + std::to_string(i) + "].caption");
    }
    check_transitions_fit(timeline.slides);
  } catch (const FieldError& e) {
    return Error{name + ": " + e.path() + ": " + e.what()};
  }
  return {};
}

Expected<Timeline> parse_timeline(const std::string& text, const std::string& path) {
  std::string name = fs::path(path).filename().string();
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return Error{name + ": invalid JSON at " + line_and_column(text, e.byte > 0 ? e.byte - 1 : 0)};
  } catch (const json::exception& e) {
    // Numbers too large for a double are reported as out of range.
    return Error{name + ": invalid JSON: " + e.what()};
  }
  try {
    return read_timeline(root, path);
  } catch (const FieldError& e) {
    return Error{name + ": " + e.path() + ": " + e.what()};
  }
}

Expected<Timeline> load_timeline(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Error{path + ": is a folder, not a project file"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_timeline(text.str(), fs::absolute(path).string());
}

std::string timeline_to_json(const Timeline& timeline) {
  const OutputSettings& o = timeline.output;
  json root = {
      {"version", 1},
      {"output",
       {{"width", o.width},
        {"height", o.height},
        {"fps", o.fps.den == 1 ? json(o.fps.num) : json(o.fps.to_string())},
        {"background", to_string(o.background)},
        {"video", {{"preset", o.video.preset}, {"crf", o.video.crf}}},
        {"audio", {{"bitrate", o.audio_bitrate}}}}},
  };
  json slides = json::array();
  for (const Slide& s : timeline.slides) {
    json motion = s.auto_motion ? json("auto")
                                : json{{"from", viewpoint_to_json(s.motion.from)},
                                       {"to", viewpoint_to_json(s.motion.to)},
                                       {"easing", to_string(s.motion.easing)}};
    json slide = {{"duration", s.duration},
                  {"fit", to_string(s.fit)},
                  {"motion", motion},
                  {"transition",
                   {{"type", to_string(s.transition.type)}, {"duration", s.transition.duration}}}};
    if (s.card) {
      slide["color"] = to_string(*s.card);
    } else if (s.clip) {
      slide["video"] = s.clip->file;
      slide["in"] = s.clip->in;
      if (s.clip->out) slide["out"] = *s.clip->out;
      slide["speed"] = s.clip->speed;
      slide["volume"] = s.clip->volume;
      if (s.clip->duration_from_clip) slide.erase("duration");
    } else {
      slide["image"] = s.image;
    }
    if (s.focus.kind != Focus::Kind::k_found) slide["focus"] = focus_to_json(s.focus);
    if (s.caption) slide["caption"] = caption_to_json(*s.caption);
    slides.push_back(slide);
  }
  root["slides"] = slides;
  json audio = json::array();
  for (const AudioTrack& a : timeline.audio) {
    json track = {{"file", a.file},
                  {"volume", a.volume},
                  {"fade_in", a.fade_in},
                  {"fade_out", a.fade_out},
                  {"loop", a.loop},
                  {"duck", a.duck ? json{{"gain_db", a.duck->gain_db},
                                         {"attack", a.duck->attack},
                                         {"release", a.duck->release}}
                                  : json(false)}};
    if (a.after_previous) track["after"] = "previous";
    else track["start"] = a.start;
    if (a.crossfade) track["crossfade"] = *a.crossfade;
    audio.push_back(track);
  }
  root["audio"] = audio;
  if (timeline.sync)
    root["timing"] = {{"sync", "beats"}, {"track", timeline.sync->track}, {"tolerance", timeline.sync->tolerance}};
  root["audio_mix"] = {
      {"loudness", timeline.audio_mix.loudness ? json(*timeline.audio_mix.loudness) : json(nullptr)},
      {"true_peak", timeline.audio_mix.true_peak}};
  return root.dump(2) + "\n";
}

}  // namespace chunkreel
