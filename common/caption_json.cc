// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/caption_json.h"

#include <cmath>

namespace chunkreel {
namespace {

using nlohmann::json;

Rgba read_rgba(FieldReader& reader, const char* key, Rgba fallback) {
  if (auto text = reader.string(key)) {
    Rgba colour;
    if (!parse_rgba(*text, &colour))
      reader.fail(key, "must be a colour written #rrggbb or #rrggbbaa");
    return colour;
  }
  return fallback;
}

double read_fraction(FieldReader& reader, const char* key, double fallback, double low,
                     bool low_allowed, double high) {
  auto v = reader.number(key);
  if (!v) return fallback;
  if (*v < low || (!low_allowed && *v == low) || *v > high) {
    char range[96];
    std::snprintf(range, sizeof range, "must be %s %g and at most %g",
                  low_allowed ? "at least" : "greater than", low, high);
    reader.fail(key, range);
  }
  return *v;
}

// "shadow": true | false | {"color", "offset", "blur"}.
CaptionShadow read_shadow(FieldReader& parent, CaptionShadow shadow) {
  const json* value = parent.raw("shadow");
  if (!value) return shadow;
  if (value->is_boolean()) {
    shadow.enabled = value->get<bool>();
    return shadow;
  }
  FieldReader reader(*value, parent.path_of("shadow"));
  shadow.enabled = true;
  shadow.color = read_rgba(reader, "color", shadow.color);
  shadow.offset = read_fraction(reader, "offset", shadow.offset, 0, true, 1);
  shadow.blur = read_fraction(reader, "blur", shadow.blur, 0, true, 1);
  reader.finish();
  return shadow;
}

// "outline": true | false | {"color", "width"}.
CaptionOutline read_outline(FieldReader& parent, CaptionOutline outline) {
  const json* value = parent.raw("outline");
  if (!value) return outline;
  if (value->is_boolean()) {
    outline.enabled = value->get<bool>();
    return outline;
  }
  FieldReader reader(*value, parent.path_of("outline"));
  outline.enabled = true;
  outline.color = read_rgba(reader, "color", outline.color);
  outline.width = read_fraction(reader, "width", outline.width, 0, false, 0.5);
  reader.finish();
  return outline;
}

void read_position(FieldReader& reader, Caption* caption) {
  const json* value = reader.raw("position");
  if (!value) return;
  if (value->is_string()) {
    const std::string name = value->get<std::string>();
    if (name == "bottom") caption->place = CaptionPlace::k_bottom;
    else if (name == "top") caption->place = CaptionPlace::k_top;
    else if (name == "center") caption->place = CaptionPlace::k_center;
    else reader.fail("position", "must be bottom, top, center or [x, y]");
    return;
  }
  if (!value->is_array() || value->size() != 2 || !(*value)[0].is_number() ||
      !(*value)[1].is_number())
    reader.fail("position", "must be bottom, top, center or [x, y]");
  const double x = (*value)[0].get<double>();
  const double y = (*value)[1].get<double>();
  if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1))
    reader.fail("position", "is outside the frame: [x, y] must each be between 0 and 1");
  caption->place = CaptionPlace::k_point;
  caption->x = x;
  caption->y = y;
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

json rgba_json(Rgba c) { return to_string(c); }

json style_json(const CaptionStyle& s) {
  return {{"color", rgba_json(s.color)},
          {"background", rgba_json(s.background)},
          {"shadow",
           {{"enabled", s.shadow.enabled},
            {"color", rgba_json(s.shadow.color)},
            {"offset", s.shadow.offset},
            {"blur", s.shadow.blur}}},
          {"outline",
           {{"enabled", s.outline.enabled},
            {"color", rgba_json(s.outline.color)},
            {"width", s.outline.width}}},
          {"fade", s.fade},
          {"start", s.start},
          {"end", s.end}};
}

template <typename T>
T required(std::optional<T> value, FieldReader& r, const char* key) {
  if (!value) r.fail(key, "is required");
  return *value;
}

CaptionStyle read_style(FieldReader r) {
  CaptionStyle s;
  s.color = read_rgba(r, "color", s.color);
  s.background = read_rgba(r, "background", s.background);
  auto shadow = r.object("shadow");
  if (!shadow) r.fail("shadow", "is required");
  s.shadow.enabled = required(shadow->boolean("enabled"), *shadow, "enabled");
  s.shadow.color = read_rgba(*shadow, "color", s.shadow.color);
  s.shadow.offset = required(shadow->number("offset"), *shadow, "offset");
  s.shadow.blur = required(shadow->number("blur"), *shadow, "blur");
  shadow->finish();
  auto outline = r.object("outline");
  if (!outline) r.fail("outline", "is required");
  s.outline.enabled = required(outline->boolean("enabled"), *outline, "enabled");
  s.outline.color = read_rgba(*outline, "color", s.outline.color);
  s.outline.width = required(outline->number("width"), *outline, "width");
  outline->finish();
  s.fade = required(r.number("fade"), r, "fade");
  s.start = required(r.number("start"), r, "start");
  s.end = required(r.number("end"), r, "end");
  r.finish();
  return s;
}

}  // namespace

Caption read_caption(const json& value, const std::string& path, const Caption& fallback,
                     TextRequired text_required) {
  Caption caption = fallback;
  if (value.is_string()) {
    caption.text = value.get<std::string>();
    if (blank(caption.text)) throw FieldError(path, "must not be empty");
    return caption;
  }
  FieldReader reader(value, path);
  if (auto text = reader.string("text")) caption.text = *text;
  if (text_required == TextRequired::k_yes && blank(caption.text))
    reader.fail("text", caption.text.empty() && !reader.has("text") ? "is required"
                                                                    : "must not be empty");
  if (auto font = reader.string("font")) {
    if (blank(*font)) reader.fail("font", "must name a font family");
    caption.font = *font;
  }
  if (auto weight = reader.string("weight")) {
    if (*weight == "regular") caption.weight = FontWeight::k_regular;
    else if (*weight == "bold") caption.weight = FontWeight::k_bold;
    else reader.fail("weight", "must be regular or bold");
  }
  caption.size = read_fraction(reader, "size", caption.size, 0, false, 1);
  caption.style.color = read_rgba(reader, "color", caption.style.color);
  caption.style.background = read_rgba(reader, "background", caption.style.background);
  read_position(reader, &caption);
  if (auto align = reader.string("align")) {
    if (*align == "left") caption.align = TextAlign::k_left;
    else if (*align == "center") caption.align = TextAlign::k_center;
    else if (*align == "right") caption.align = TextAlign::k_right;
    else reader.fail("align", "must be left, center or right");
  }
  caption.max_width = read_fraction(reader, "max_width", caption.max_width, 0, false, 1);
  caption.style.shadow = read_shadow(reader, caption.style.shadow);
  caption.style.outline = read_outline(reader, caption.style.outline);
  if (auto fade = reader.number("fade")) {
    if (*fade < 0 || *fade > 24 * 3600) reader.fail("fade", "must be from 0 to 86400 seconds");
    caption.style.fade = *fade;
  }
  if (auto start = reader.number("start")) {
    if (*start < 0) reader.fail("start", "must be at least 0");
    caption.style.start = *start;
  }
  if (auto end = reader.number("end")) {
    if (*end <= 0) reader.fail("end", "must be greater than 0");
    caption.style.end = *end;
  }
  if (caption.style.end >= 0 && caption.style.end <= caption.style.start)
    reader.fail("end", "must be later than start");
  reader.finish();
  return caption;
}

json caption_to_json(const Caption& c) {
  json position = c.place == CaptionPlace::k_point ? json::array({c.x, c.y})
                                                   : json(to_string(c.place));
  const CaptionStyle& s = c.style;
  json out = {{"text", c.text},
              {"font", c.font},
              {"weight", to_string(c.weight)},
              {"size", c.size},
              {"color", rgba_json(s.color)},
              {"background", rgba_json(s.background)},
              {"position", position},
              {"align", to_string(c.align)},
              {"max_width", c.max_width},
              {"fade", s.fade},
              {"start", s.start}};
  if (s.end >= 0) out["end"] = s.end;
  out["shadow"] = s.shadow.enabled ? json{{"color", rgba_json(s.shadow.color)},
                                          {"offset", s.shadow.offset},
                                          {"blur", s.shadow.blur}}
                                   : json(false);
  out["outline"] = s.outline.enabled
                       ? json{{"color", rgba_json(s.outline.color)}, {"width", s.outline.width}}
                       : json(false);
  return out;
}

json laid_out_caption_to_json(const LaidOutCaption& c) {
  json fonts = json::array();
  for (const FontFile& f : c.fonts) fonts.push_back({{"path", f.path}, {"index", f.index}});
  // Glyphs as compact [font, glyph, x, y] rows: a caption can have hundreds.
  json glyphs = json::array();
  for (const PlacedGlyph& g : c.glyphs) glyphs.push_back(json::array({g.font, g.glyph, g.x, g.y}));
  return {{"style", style_json(c.style)},
          {"pixel_size", c.pixel_size},
          {"fonts", fonts},
          {"glyphs", glyphs},
          {"box", json::array({c.box_x0, c.box_y0, c.box_x1, c.box_y1})}};
}

LaidOutCaption read_laid_out_caption(FieldReader r) {
  LaidOutCaption c;
  auto style = r.object("style");
  if (!style) r.fail("style", "is required");
  c.style = read_style(*style);
  c.pixel_size = required(r.number("pixel_size"), r, "pixel_size");
  if (!(c.pixel_size > 0)) r.fail("pixel_size", "must be greater than 0");
  const json* fonts = r.raw("fonts");
  if (!fonts || !fonts->is_array()) r.fail("fonts", "must be an array");
  for (size_t i = 0; i < fonts->size(); ++i) {
    FieldReader f((*fonts)[i], r.path_of("fonts") + "[" + std::to_string(i) + "]");
    c.fonts.push_back({required(f.string("path"), f, "path"),
                       static_cast<int>(required(f.integer("index"), f, "index"))});
    f.finish();
  }
  const json* glyphs = r.raw("glyphs");
  if (!glyphs || !glyphs->is_array()) r.fail("glyphs", "must be an array");
  for (const json& g : *glyphs) {
    if (!g.is_array() || g.size() != 4 || !g[0].is_number_integer() ||
        !g[1].is_number_integer() || !g[2].is_number() || !g[3].is_number())
      r.fail("glyphs", "must hold [font, glyph, x, y] rows");
    PlacedGlyph p{g[0].get<int>(), g[1].get<uint32_t>(), g[2].get<double>(), g[3].get<double>()};
    if (p.font < 0 || p.font >= static_cast<int>(c.fonts.size()))
      r.fail("glyphs", "names a font that is not listed");
    c.glyphs.push_back(p);
  }
  const json* box = r.raw("box");
  if (!box || !box->is_array() || box->size() != 4) r.fail("box", "must be [x0, y0, x1, y1]");
  for (const json& v : *box)
    if (!v.is_number()) r.fail("box", "must be [x0, y0, x1, y1]");
  c.box_x0 = (*box)[0].get<double>();
  c.box_y0 = (*box)[1].get<double>();
  c.box_x1 = (*box)[2].get<double>();
  c.box_y1 = (*box)[3].get<double>();
  r.finish();
  return c;
}

}  // namespace chunkreel
