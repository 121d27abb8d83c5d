// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/text/caption_layout.h"

#include <hb.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "orchestrator/text/text_shaper.h"

namespace chunkreel {
namespace {

constexpr double k_pad_x = 0.3;     // em
constexpr double k_pad_y = 0.15;    // em
constexpr double k_margin = 0.05;   // of the frame's height (top/bottom) or width (sides)

struct Bounds {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  void add(double ax0, double ay0, double ax1, double ay1) {
    x0 = std::min(x0, ax0);
    y0 = std::min(y0, ay0);
    x1 = std::max(x1, ax1);
    y1 = std::max(y1, ay1);
  }
  bool empty() const { return x0 > x1; }
};

CaptionLayoutResult fail(std::string field, std::string message) {
  CaptionLayoutResult result;
  result.fault = {std::move(field), std::move(message)};
  return result;
}

std::string codepoints(const std::set<char32_t>& missing) {
  std::string out;
  int shown = 0;
  for (char32_t c : missing) {
    if (shown++ == 6) {
      out += " ...";
      break;
    }
    out += fmt::format("{}U+{:04X}", out.empty() ? "" : " ", static_cast<uint32_t>(c));
  }
  return out;
}

}  // namespace

CaptionLayoutResult lay_out_caption(const Caption& caption, int width, int height,
                                    FontMatcher& fonts) {
  CaptionLayoutResult result;
  const double em_wanted = caption.size * height;
  const int scale = std::max(1, static_cast<int>(std::lround(em_wanted * 64)));
  const double em = scale / 64.0;
  ShapingFonts shaping(scale);

  Expected<FontChoice> primary = fonts.match(caption.font, caption.weight);
  if (!primary) return fail("font", primary.error().message);
  if (!primary.value().note.empty()) result.notes.push_back(primary.value().note);
  Expected<int> primary_index = shaping.add(primary.value().file);
  if (!primary_index) return fail("font", primary_index.error().message);

  // Characters the caption's font lacks come from fontconfig's next choice
  // for the same family and weight that has them (as a desktop would).
  std::set<char32_t> missing;
  const FontForChar font_for = [&](char32_t c) -> Expected<int> {
    const int own = primary_index.value();
    if (shaping.has_glyph(own, c)) return own;
    std::optional<FontFile> file = fonts.face_with(caption.font, caption.weight, c);
    if (!file) {
      missing.insert(c);
      return own;
    }
    return shaping.add(*file);
  };

  const double pad_x = k_pad_x * em, pad_y = k_pad_y * em;
  const double wrap_width = caption.max_width * width - 2 * pad_x;
  if (wrap_width < em)
    return fail("max_width", fmt::format("leaves {:.0f} pixels for text, less than one em ({:.0f})",
                                         std::max(0.0, wrap_width), em));
  Expected<std::vector<ShapedLine>> shaped = shape_text(caption.text, wrap_width, shaping, font_for);
  if (!shaped) return fail("text", shaped.error().message);
  const std::vector<ShapedLine>& lines = shaped.value();
  if (!missing.empty())
    result.notes.push_back(fmt::format("no installed font has {}; shown as boxes",
                                       codepoints(missing)));

  // Line metrics: the tallest of the fonts the text uses.
  double ascender = 0, descender = 0, gap = 0;
  for (size_t f = 0; f < shaping.files().size(); ++f) {
    hb_font_extents_t extents{};
    hb_font_get_h_extents(shaping.font(static_cast<int>(f)), &extents);
    ascender = std::max(ascender, extents.ascender / 64.0);
    descender = std::max(descender, -extents.descender / 64.0);
    gap = std::max(gap, extents.line_gap / 64.0);
  }
  const double line_advance = ascender + descender + gap;
  double block_width = 0;
  for (const ShapedLine& line : lines) block_width = std::max(block_width, line.width);
  const double block_height = static_cast<double>(lines.size() - 1) * line_advance + ascender + descender;
  const double box_w = block_width + 2 * pad_x, box_h = block_height + 2 * pad_y;

  double box_x0 = 0, box_y0 = 0;
  const double margin_x = k_margin * width, margin_y = k_margin * height;
  if (caption.place == CaptionPlace::k_point) {
    const double anchor = caption.x * width;
    box_x0 = caption.align == TextAlign::k_left    ? anchor
             : caption.align == TextAlign::k_right ? anchor - box_w
                                                   : anchor - box_w / 2;
    box_y0 = caption.y * height - box_h / 2;
  } else {
    box_x0 = caption.align == TextAlign::k_left    ? margin_x
             : caption.align == TextAlign::k_right ? width - margin_x - box_w
                                                   : (width - box_w) / 2;
    box_y0 = caption.place == CaptionPlace::k_top      ? margin_y
             : caption.place == CaptionPlace::k_center ? (height - box_h) / 2
                                                       : height - margin_y - box_h;
  }

  LaidOutCaption& out = result.caption;
  out.style = caption.style;
  out.pixel_size = em;
  out.box_x0 = box_x0;
  out.box_y0 = box_y0;
  out.box_x1 = box_x0 + box_w;
  out.box_y1 = box_y0 + box_h;
  Bounds ink;
  for (size_t i = 0; i < lines.size(); ++i) {
    const ShapedLine& line = lines[i];
    const double offset = caption.align == TextAlign::k_left    ? 0
                          : caption.align == TextAlign::k_right ? block_width - line.width
                                                                : (block_width - line.width) / 2;
    const double left = std::round(box_x0 + pad_x + offset);
    const double baseline = std::round(box_y0 + pad_y + ascender + static_cast<double>(i) * line_advance);
    for (const ShapedGlyph& g : line.glyphs) {
      PlacedGlyph placed{g.font, g.glyph, left + g.x, baseline + g.y};
      hb_glyph_extents_t e{};
      if (hb_font_get_glyph_extents(shaping.font(g.font), g.glyph, &e) && e.width != 0)
        ink.add(placed.x + e.x_bearing / 64.0, placed.y - e.y_bearing / 64.0,
                placed.x + (e.x_bearing + e.width) / 64.0,
                placed.y - (e.y_bearing + e.height) / 64.0);
      out.glyphs.push_back(placed);
    }
  }
  out.fonts = shaping.files();
  if (ink.empty()) return fail("text", "has nothing visible to draw");

  // Everything drawn must lie inside the frame: ink, outline, shadow, box.
  Bounds drawn = ink;
  if (caption.style.outline.enabled) {
    const double w = caption.style.outline.width * em;
    drawn = {ink.x0 - w, ink.y0 - w, ink.x1 + w, ink.y1 + w};
  }
  if (caption.style.shadow.enabled) {
    const double d = caption.style.shadow.offset * em, b = caption.style.shadow.blur * em;
    drawn.add(drawn.x0 + d - b, drawn.y0 + d - b, drawn.x1 + d + b, drawn.y1 + d + b);
  }
  if (caption.style.background.a > 0) drawn.add(out.box_x0, out.box_y0, out.box_x1, out.box_y1);
  constexpr double k_slack = 0.5;  // pixels
  if (drawn.x0 < -k_slack || drawn.y0 < -k_slack || drawn.x1 > width + k_slack ||
      drawn.y1 > height + k_slack)
    return fail("", fmt::format("does not fit inside the {}x{} frame: it would cover x {:.0f} to "
                                "{:.0f} and y {:.0f} to {:.0f}; make it smaller or shorter, or "
                                "move it",
                                width, height, drawn.x0, drawn.x1, drawn.y0, drawn.y1));
  result.ok = true;
  return result;
}

}  // namespace chunkreel
