// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/caption.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/timeline.h"

namespace chunkreel {

bool parse_rgba(const std::string& text, Rgba* out) {
  Colour rgb, alpha;
  if (text.size() != 7 && text.size() != 9) return false;
  if (!parse_colour(text.substr(0, 7), &rgb)) return false;
  if (text.size() == 9) {
    // The alpha pair, read as the red of "#aa0000".
    std::string pair = "#";
    pair += text.substr(7);
    pair += "0000";
    if (!parse_colour(pair, &alpha)) return false;
  }
  *out = {rgb.r, rgb.g, rgb.b, text.size() == 9 ? alpha.r : uint8_t{255}};
  return true;
}

std::string to_string(Rgba colour) {
  char buffer[10];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x%02x", colour.r, colour.g, colour.b,
                colour.a);
  return buffer;
}

const char* to_string(FontWeight weight) {
  return weight == FontWeight::k_bold ? "bold" : "regular";
}

const char* to_string(TextAlign align) {
  switch (align) {
    case TextAlign::k_left: return "left";
    case TextAlign::k_right: return "right";
    case TextAlign::k_center: break;
  }
  return "center";
}

const char* to_string(CaptionPlace place) {
  switch (place) {
    case CaptionPlace::k_top: return "top";
    case CaptionPlace::k_center: return "center";
    case CaptionPlace::k_point: return "point";
    case CaptionPlace::k_bottom: break;
  }
  return "bottom";
}

PixelRect caption_region(const LaidOutCaption& caption, int width, int height) {
  const CaptionStyle& s = caption.style;
  const double reach =
      caption.pixel_size * (1.0 + (s.outline.enabled ? s.outline.width : 0) +
                            (s.shadow.enabled ? s.shadow.offset + 2 * s.shadow.blur : 0));
  PixelRect r;
  r.x0 = std::max(0, static_cast<int>(std::floor(caption.box_x0 - reach))) & ~1;
  r.y0 = std::max(0, static_cast<int>(std::floor(caption.box_y0 - reach))) & ~1;
  r.x1 = std::max(r.x0, std::min(width, static_cast<int>(std::ceil(caption.box_x1 + reach))));
  r.y1 = std::max(r.y0, std::min(height, static_cast<int>(std::ceil(caption.box_y1 + reach))));
  return r;
}

double caption_opacity(const CaptionStyle& style, double seconds, double visible) {
  const double end = style.end < 0 ? visible : style.end;
  if (seconds < style.start || seconds >= end) return 0;
  if (style.fade <= 0) return 1;
  const double in = (seconds - style.start) / style.fade;
  const double out = (end - seconds) / style.fade;
  return std::clamp(std::min(in, out), 0.0, 1.0);
}

}  // namespace chunkreel
