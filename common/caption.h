// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Words on screen: a slide's caption as the project file states it (after
// defaults), and the laid-out form a chunk job carries.
//
// The orchestrator lays a caption out once (fonts matched, text shaped, lines
// broken and placed; orchestrator/text/) and every chunk job carries the
// result, so every worker rasterises exactly the same glyphs at exactly the
// same positions: a caption can never differ between chunks or hosts that
// see the same font files.

#include <cstdint>
#include <string>
#include <vector>

namespace chunkreel {

/// "#rrggbb" or "#rrggbbaa"; a is opacity, 255 opaque.
struct Rgba {
  uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba&) const = default;
};

enum class FontWeight { k_regular, k_bold };
enum class TextAlign { k_left, k_center, k_right };
/// Where the caption's box goes: near the bottom or top edge, centred, or
/// at an explicit point (CaptionStyle::x, y).
enum class CaptionPlace { k_bottom, k_top, k_center, k_point };

/// Sizes are fractions of the caption's text size (its em).
struct CaptionShadow {
  bool enabled = true;  ///< on by default: white text must read on a bright sky too
  Rgba color{0, 0, 0, 170};
  double offset = 0.06;  ///< down and to the right
  double blur = 0.05;    ///< radius
  bool operator==(const CaptionShadow&) const = default;
};

struct CaptionOutline {
  bool enabled = false;
  Rgba color{0, 0, 0, 255};
  double width = 0.06;
  bool operator==(const CaptionOutline&) const = default;
};

/// How a caption is drawn and when it shows: everything but its glyphs.
struct CaptionStyle {
  Rgba color{255, 255, 255, 255};
  Rgba background{0, 0, 0, 0};  ///< a = 0: no box
  CaptionShadow shadow;
  CaptionOutline outline;
  double fade = 0;    ///< seconds, in and out
  double start = 0;   ///< seconds after the slide becomes visible
  double end = -1;    ///< seconds after it becomes visible; < 0: while it is visible
  bool operator==(const CaptionStyle&) const = default;
};

/// A caption as written in the timeline.
struct Caption {
  std::string text;  ///< UTF-8; "\n" starts a new line
  std::string font = "DejaVu Sans";
  FontWeight weight = FontWeight::k_regular;
  double size = 0.05;  ///< em, as a fraction of the output height
  CaptionPlace place = CaptionPlace::k_bottom;
  double x = 0.5, y = 0.5;  ///< k_point only, normalised frame coordinates
  TextAlign align = TextAlign::k_center;
  double max_width = 0.9;  ///< fraction of the output width
  CaptionStyle style;
  bool operator==(const Caption&) const = default;
};

/// A font file as fontconfig found it.
struct FontFile {
  std::string path;
  int index = 0;  ///< face index within a collection
  bool operator==(const FontFile&) const = default;
};

/// One glyph at its pen position in output pixels: x right, y down, on the
/// baseline. Positions are exact (unhinted), so glyphs are rasterised at
/// their sub-pixel place instead of being snapped.
struct PlacedGlyph {
  int font = 0;  ///< index into LaidOutCaption::fonts
  uint32_t glyph = 0;
  double x = 0, y = 0;
  bool operator==(const PlacedGlyph&) const = default;
};

/// A caption ready to rasterise at the output size.
struct LaidOutCaption {
  CaptionStyle style;
  double pixel_size = 0;  ///< em in output pixels (26.6-exact)
  std::vector<FontFile> fonts;
  std::vector<PlacedGlyph> glyphs;
  /// The background box in output pixels, [x0, x1) x [y0, y1).
  double box_x0 = 0, box_y0 = 0, box_x1 = 0, box_y1 = 0;
  bool operator==(const LaidOutCaption&) const = default;
};

bool parse_rgba(const std::string& text, Rgba* out);
std::string to_string(Rgba colour);
const char* to_string(FontWeight weight);
const char* to_string(TextAlign align);
const char* to_string(CaptionPlace place);

/// The part of a width x height frame a caption can draw on: its box plus
/// room for what may stick out of it (tall marks, the outline, the shadow
/// and its blur), clipped to the frame, starting on an even pixel so it
/// lines up with the chroma grid. [x0, x1) x [y0, y1).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int64_t area() const { return int64_t{x1 - x0} * (y1 - y0); }
};
PixelRect caption_region(const LaidOutCaption& caption, int width, int height);

/// How visible a caption is (0..1) at `seconds` after its slide became
/// visible, on a slide visible for `visible` seconds: its start/end window
/// with `fade` ramps at both ends.
double caption_opacity(const CaptionStyle& style, double seconds, double visible);

}  // namespace chunkreel
