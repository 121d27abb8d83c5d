// SPDX-License-Identifier: GPL-2.0-or-later
// Caption layout against HarfBuzz itself: complex scripts come out as the
// glyph sequence HarfBuzz shapes (never .notdef boxes), unknown families are
// refused, substitutes are named, and long text wraps inside max_width.

#include <catch2/catch.hpp>

#include <hb.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "orchestrator/text/caption_layout.h"

using namespace chunkreel;

namespace {

// One font file straight through HarfBuzz, with nothing of chunkreel's in
// between: the reference the layout is held against.
class ReferenceFont {
 public:
  explicit ReferenceFont(const FontFile& file, int scale = 0)
      : m_blob(hb_blob_create_from_file(file.path.c_str())),
        m_face(hb_face_create(m_blob, static_cast<unsigned>(file.index))),
        m_font(hb_font_create(m_face)),
        m_buffer(hb_buffer_create()) {
    if (scale > 0) hb_font_set_scale(m_font, scale, scale);
  }
  ~ReferenceFont() {
    hb_buffer_destroy(m_buffer);
    hb_font_destroy(m_font);
    hb_face_destroy(m_face);
    hb_blob_destroy(m_blob);
  }
  ReferenceFont(const ReferenceFont&) = delete;
  ReferenceFont& operator=(const ReferenceFont&) = delete;

  /// Shapes `text` as a whole, direction and script guessed from it.
  void shape(const std::string& text) {
    hb_buffer_reset(m_buffer);
    hb_buffer_add_utf8(m_buffer, text.c_str(), -1, 0, -1);
    hb_buffer_guess_segment_properties(m_buffer);
    hb_shape(m_font, m_buffer, nullptr, 0);
  }
  std::vector<uint32_t> glyphs(const std::string& text) {
    shape(text);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(m_buffer, &count);
    std::vector<uint32_t> out;
    for (unsigned i = 0; i < count; ++i) out.push_back(info[i].codepoint);
    return out;
  }
  /// The positions of the last shape().
  std::vector<hb_glyph_position_t> positions() const {
    unsigned count = 0;
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(m_buffer, &count);
    return {pos, pos + count};
  }
  /// The glyph a plain character-to-glyph lookup gives.
  uint32_t nominal(char32_t c) const {
    hb_codepoint_t g = 0;
    hb_font_get_nominal_glyph(m_font, c, &g);
    return g;
  }

 private:
  hb_blob_t* m_blob;
  hb_face_t* m_face;
  hb_font_t* m_font;
  hb_buffer_t* m_buffer;
};

std::vector<uint32_t> harfbuzz_glyphs(const FontFile& file, const std::string& text) {
  return ReferenceFont(file).glyphs(text);
}

std::vector<uint32_t> glyphs_of(const LaidOutCaption& c) {
  std::vector<uint32_t> out;
  for (const PlacedGlyph& g : c.glyphs) out.push_back(g.glyph);
  return out;
}

Caption caption_of(const std::string& text) {
  Caption c;
  c.text = text;
  return c;
}

}  // namespace

TEST_CASE("an Arabic caption is the glyph sequence HarfBuzz shapes, joined, right to left") {
  FontMatcher fonts;
  const std::string text = "مرحبا بالعالم";
  CaptionLayoutResult r = lay_out_caption(caption_of(text), 1280, 720, fonts);
  REQUIRE(r.ok);
  REQUIRE(r.caption.fonts.size() == 1);  // DejaVu Sans has Arabic
  const std::vector<uint32_t> ours = glyphs_of(r.caption);
  CHECK(ours == harfbuzz_glyphs(r.caption.fonts[0], text));
  for (uint32_t g : ours) CHECK(g != 0);
  // Joined letters take contextual forms: not the isolated glyphs a naive
  // character-to-glyph lookup would give.
  const ReferenceFont font(r.caption.fonts[0]);
  std::set<uint32_t> isolated;
  for (char32_t c : std::u32string(U"مرحبا بالعالم")) isolated.insert(font.nominal(c));
  int contextual = 0;
  for (uint32_t g : ours) contextual += !isolated.count(g);
  CHECK(contextual >= 5);
}

TEST_CASE("mixed Arabic and Latin text is put in visual order by the bidi algorithm") {
  FontMatcher fonts;
  // An Arabic paragraph (its first strong letter is Arabic) reads right to
  // left: the last Arabic word is leftmost, the Latin word keeps its own
  // left-to-right order in the middle.
  CaptionLayoutResult r = lay_out_caption(caption_of("مرحبا Hello عالم"), 1280, 720, fonts);
  REQUIRE(r.ok);
  const FontFile file = r.caption.fonts[0];
  const uint32_t space = harfbuzz_glyphs(file, " ")[0];
  std::vector<uint32_t> expected = harfbuzz_glyphs(file, "عالم");
  expected.push_back(space);
  for (uint32_t g : harfbuzz_glyphs(file, "Hello")) expected.push_back(g);
  expected.push_back(space);
  for (uint32_t g : harfbuzz_glyphs(file, "مرحبا")) expected.push_back(g);
  CHECK(glyphs_of(r.caption) == expected);

  // A Latin paragraph keeps Latin first, the Arabic word reversed inside.
  r = lay_out_caption(caption_of("Hello مرحبا world"), 1280, 720, fonts);
  REQUIRE(r.ok);
  expected = harfbuzz_glyphs(file, "Hello");
  expected.push_back(space);
  for (uint32_t g : harfbuzz_glyphs(file, "مرحبا")) expected.push_back(g);
  expected.push_back(space);
  for (uint32_t g : harfbuzz_glyphs(file, "world")) expected.push_back(g);
  CHECK(glyphs_of(r.caption) == expected);
}

TEST_CASE("a Devanagari caption falls back to a font that has it and shapes its conjuncts") {
  FontMatcher fonts;
  const std::string text = "नमस्ते दुनिया";
  CaptionLayoutResult r = lay_out_caption(caption_of(text), 1280, 720, fonts);
  REQUIRE(r.ok);
  CHECK(r.notes.empty());  // nothing shown as boxes
  // DejaVu Sans has no Devanagari; fontconfig's next choice that has it
  // (Lohit Devanagari on Debian with fonts-lohit-deva) shapes every glyph.
  const FontFile* devanagari = nullptr;
  for (const FontFile& f : r.caption.fonts)
    if (f.path.find("DejaVu") == std::string::npos) devanagari = &f;
  REQUIRE(devanagari != nullptr);
  const std::vector<uint32_t> ours = glyphs_of(r.caption);
  CHECK(ours == harfbuzz_glyphs(*devanagari, text));
  for (uint32_t g : ours) CHECK(g != 0);
  // "स्ते" is a conjunct: fewer glyphs than characters.
  CHECK(ours.size() < std::u32string(U"नमस्ते दुनिया").size());
}

TEST_CASE("an unknown font family is refused and a substitute is named in a note") {
  FontMatcher fonts;
  Caption c = caption_of("Hello");
  c.font = "Surely No Such Family 42";
  CaptionLayoutResult r = lay_out_caption(c, 640, 360, fonts);
  CHECK_FALSE(r.ok);
  CHECK(r.fault.field == "font");
  CHECK(r.fault.message.find("Surely No Such Family 42") != std::string::npos);

  // fontconfig has rules for Helvetica: a substitute, with a one-line note.
  c.font = "Helvetica";
  r = lay_out_caption(c, 640, 360, fonts);
  REQUIRE(r.ok);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].find("Helvetica") != std::string::npos);
  CHECK(r.notes[0].find("using '") != std::string::npos);

  // An installed family, any case and spacing, is used silently; bold is
  // another file.
  c.font = "dejavu sans";
  r = lay_out_caption(c, 640, 360, fonts);
  REQUIRE(r.ok);
  CHECK(r.notes.empty());
  c.weight = FontWeight::k_bold;
  CaptionLayoutResult bold = lay_out_caption(c, 640, 360, fonts);
  REQUIRE(bold.ok);
  CHECK(bold.caption.fonts[0].path != r.caption.fonts[0].path);
  // A family with no bold face: its regular face, and a note saying so.
  c.font = "Lohit Devanagari";
  r = lay_out_caption(c, 640, 360, fonts);
  REQUIRE(r.ok);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].find("has no bold face") != std::string::npos);
  // A generic family is fontconfig's to choose: no note.
  c.font = "serif";
  CHECK(lay_out_caption(c, 640, 360, fonts).notes.empty());
}

TEST_CASE("a long caption wraps at word boundaries inside max_width") {
  FontMatcher fonts;
  Caption c = caption_of("The quick brown fox jumps over the lazy dog while the slideshow keeps on rolling");
  c.max_width = 0.5;
  CaptionLayoutResult r = lay_out_caption(c, 1280, 720, fonts);
  REQUIRE(r.ok);
  const LaidOutCaption& l = r.caption;
  CHECK(l.box_x1 - l.box_x0 <= 0.5 * 1280 + 1e-6);
  std::set<double> baselines;
  for (const PlacedGlyph& g : l.glyphs) {
    baselines.insert(g.y);
    CHECK(g.x >= l.box_x0);
    CHECK(g.x <= l.box_x1);
  }
  CHECK(baselines.size() >= 3);
  // Every line is whole words, in order, with single spaces between them:
  // the breaks fall at word boundaries, the spaces at breaks are dropped,
  // and no word is lost or cut.
  const FontFile file = l.fonts[0];
  const uint32_t space = harfbuzz_glyphs(file, " ")[0];
  std::vector<std::vector<uint32_t>> words;
  for (const char* word : {"The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "while",
                           "the", "slideshow", "keeps", "on", "rolling"})
    words.push_back(harfbuzz_glyphs(file, word));
  std::map<double, std::vector<uint32_t>> line_glyphs;
  for (const PlacedGlyph& g : l.glyphs) line_glyphs[g.y].push_back(g.glyph);
  size_t next_word = 0;
  for (const auto& [baseline, glyphs] : line_glyphs) {
    std::vector<uint32_t> expected;
    while (next_word < words.size()) {
      std::vector<uint32_t> longer = expected;
      if (!longer.empty()) longer.push_back(space);
      longer.insert(longer.end(), words[next_word].begin(), words[next_word].end());
      if (longer.size() > glyphs.size() || !std::equal(longer.begin(), longer.end(), glyphs.begin())) break;
      expected = longer;
      ++next_word;
    }
    CHECK(expected == glyphs);
  }
  CHECK(next_word == words.size());

  // One word too long for the width is cut between letters instead of
  // running out of the frame.
  c.text = "Pneumonoultramicroscopicsilicovolcanoconiosis";
  c.max_width = 0.3;
  r = lay_out_caption(c, 640, 360, fonts);
  REQUIRE(r.ok);
  std::set<double> lines;
  for (const PlacedGlyph& g : r.caption.glyphs) lines.insert(g.y);
  CHECK(lines.size() >= 2);
  CHECK(r.caption.box_x1 - r.caption.box_x0 <= 0.3 * 640 + 1e-6);
}

TEST_CASE("a caption that cannot fit inside the frame is refused") {
  FontMatcher fonts;
  Caption c = caption_of("one\ntwo\nthree\nfour\nfive\nsix\nseven");
  c.size = 0.2;
  CaptionLayoutResult r = lay_out_caption(c, 640, 360, fonts);
  CHECK_FALSE(r.ok);
  CHECK(r.fault.message.find("does not fit inside the 640x360 frame") != std::string::npos);
  c = caption_of("edge");
  c.place = CaptionPlace::k_point;
  c.x = 0.98;
  c.align = TextAlign::k_left;
  CHECK_FALSE(lay_out_caption(c, 640, 360, fonts).ok);
  c.align = TextAlign::k_right;
  CHECK(lay_out_caption(c, 640, 360, fonts).ok);
}

TEST_CASE("a Thai caption shapes with its marks stacked, from a font that has Thai") {
  FontMatcher fonts;
  const std::string text = "ที่นี่สวัสดี";  // tone marks over vowel marks
  CaptionLayoutResult r = lay_out_caption(caption_of(text), 1280, 720, fonts);
  REQUIRE(r.ok);
  CHECK(r.notes.empty());
  REQUIRE(r.caption.fonts.size() == 2);  // the caption's DejaVu Sans, and a Thai font
  const FontFile thai = r.caption.fonts[1];
  const std::vector<uint32_t> ours = glyphs_of(r.caption);
  CHECK(ours == harfbuzz_glyphs(thai, text));
  for (uint32_t g : ours) CHECK(g != 0);
  // Every glyph sits where HarfBuzz's positioning puts it (marks carry the
  // font's offsets, e.g. the -194 units shifting marks over a tall base).
  ReferenceFont font(thai, static_cast<int>(std::lround(0.05 * 720 * 64)));
  font.shape(text);
  const std::vector<hb_glyph_position_t> pos = font.positions();
  const size_t count = pos.size();
  REQUIRE(count == r.caption.glyphs.size());
  int64_t pen = 0;
  bool offset_seen = false;
  for (size_t i = 0; i < count; ++i) {
    const PlacedGlyph& g = r.caption.glyphs[i];
    CHECK(g.x - r.caption.glyphs[0].x == Approx((pen + pos[i].x_offset) / 64.0).margin(1e-9));
    CHECK(g.y - r.caption.glyphs[0].y == Approx(-pos[i].y_offset / 64.0).margin(1e-9));
    offset_seen |= pos[i].x_offset != 0 || pos[i].y_offset != 0;
    pen += pos[i].x_advance;
  }
  CHECK(offset_seen);
}

TEST_CASE("tabs and carriage returns in a caption are spaces, never boxes") {
  FontMatcher fonts;
  CaptionLayoutResult r = lay_out_caption(caption_of("one\ttwo\r\nthree"), 640, 360, fonts);
  REQUIRE(r.ok);
  std::set<double> lines;
  for (const PlacedGlyph& g : r.caption.glyphs) {
    CHECK(g.glyph != 0);
    lines.insert(g.y);
  }
  CHECK(lines.size() == 2);
}
