// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Text to positioned glyphs: bidirectional analysis (FriBidi), script and
// font runs, shaping (HarfBuzz), and greedy line breaking at word
// boundaries.
//
// A paragraph (the text between "\n"s) is analysed once: FriBidi resolves
// embedding levels in logical order, every character gets a script (Common
// and Inherited characters join their neighbours' run) and a font (the
// caption's own, or fontconfig's first choice that has the glyph). Runs of
// one level, script and font are shaped to measure each character's advance,
// and lines are broken on those widths, at spaces, or inside a word only
// when the word alone is wider than the line. Each line is then shaped
// again on its own (so its edges have the right context), its runs put in
// visual order by the Unicode bidi rule L2, and its glyphs placed left to
// right.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/caption.h"
#include "common/error.h"

struct hb_font_t;

namespace chunkreel {

/// HarfBuzz fonts for font files, all at one size.
class ShapingFonts {
 public:
  /// `scale` is the em in 26.6 pixels, the unit of every HarfBuzz position.
  explicit ShapingFonts(int scale);
  ~ShapingFonts();
  ShapingFonts(const ShapingFonts&) = delete;
  ShapingFonts& operator=(const ShapingFonts&) = delete;

  /// The index of `file`, loading it on first use.
  Expected<int> add(const FontFile& file);
  hb_font_t* font(int index) const;
  bool has_glyph(int index, char32_t codepoint) const;
  const std::vector<FontFile>& files() const { return m_files; }

 private:
  struct FontDeleter {
    void operator()(hb_font_t* font) const;
  };
  int m_scale;
  std::vector<FontFile> m_files;
  std::vector<std::unique_ptr<hb_font_t, FontDeleter>> m_fonts;
};

struct ShapedGlyph {
  int font = 0;
  uint32_t glyph = 0;
  double x = 0;  ///< pen position from the line's left edge, pixels
  double y = 0;  ///< offset below the baseline, pixels
};

struct ShapedLine {
  std::vector<ShapedGlyph> glyphs;  ///< left to right
  double width = 0;                 ///< advance width, pixels
};

/// Chooses the font for a character: an index into ShapingFonts.
using FontForChar = std::function<Expected<int>(char32_t)>;

/// Shapes UTF-8 `text` into lines at most `max_width` pixels wide (a single
/// cluster wider than that still gets its own line).
Expected<std::vector<ShapedLine>> shape_text(const std::string& text, double max_width,
                                             ShapingFonts& fonts, const FontForChar& font_for);

}  // namespace chunkreel
