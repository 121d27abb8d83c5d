// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/text/text_shaper.h"

#include <fribidi.h>
#include <hb.h>

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace chunkreel {
namespace {

struct BufferDeleter {
  void operator()(hb_buffer_t* buffer) const { hb_buffer_destroy(buffer); }
};
using BufferPtr = std::unique_ptr<hb_buffer_t, BufferDeleter>;
struct BlobDeleter {
  void operator()(hb_blob_t* blob) const { hb_blob_destroy(blob); }
};
struct FaceDeleter {
  void operator()(hb_face_t* face) const { hb_face_destroy(face); }
};

struct Run {
  int begin = 0, end = 0;
  int level = 0;
  hb_script_t script = HB_SCRIPT_COMMON;
  int font = 0;
};

// A paragraph after analysis: its runs of one bidi level, script and font.
struct Paragraph {
  std::u32string text;
  std::vector<Run> runs;
};

bool breaks_line(char32_t c) {
  // Spaces that separate words; the no-break spaces do not.
  return c == U' ' || c == U'\t' || c == 0x1680 || (c >= 0x2000 && c <= 0x2006) ||
         (c >= 0x2008 && c <= 0x200A) || c == 0x205F || c == 0x3000;
}

bool is_neutral_script(hb_script_t script) {
  return script == HB_SCRIPT_COMMON || script == HB_SCRIPT_INHERITED ||
         script == HB_SCRIPT_UNKNOWN;
}

std::u32string decode_utf8(const std::string& utf8) {
  std::u32string out(utf8.size(), U'\0');
  const FriBidiStrIndex n = fribidi_charset_to_unicode(
      FRIBIDI_CHAR_SET_UTF8, utf8.data(), static_cast<FriBidiStrIndex>(utf8.size()),
      reinterpret_cast<FriBidiChar*>(out.data()));
  out.resize(static_cast<size_t>(std::max<FriBidiStrIndex>(n, 0)));
  // Tabs and other controls (but the line feed) have no glyph: they are
  // spaces on screen.
  for (char32_t& c : out)
    if (c != U'\n' && (c < 0x20 || c == 0x7F)) c = U' ';
  return out;
}

Expected<Paragraph> analyse(std::u32string text, ShapingFonts& fonts, const FontForChar& font_for) {
  Paragraph p;
  p.text = std::move(text);
  const int n = static_cast<int>(p.text.size());
  if (n == 0) return p;
  const auto* chars = reinterpret_cast<const FriBidiChar*>(p.text.data());
  std::vector<FriBidiCharType> types(n);
  std::vector<FriBidiBracketType> brackets(n);
  fribidi_get_bidi_types(chars, n, types.data());
  fribidi_get_bracket_types(chars, n, types.data(), brackets.data());
  FriBidiParType direction = FRIBIDI_PAR_ON;  // from the first strong character
  std::vector<FriBidiLevel> levels(n);
  if (fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), n, &direction,
                                          levels.data()) == 0)
    return Error{"the text's bidirectional structure cannot be resolved"};

  // Scripts: neutral characters take the script before them (or, at the
  // start, the first one after them), so "«Paris»" is one Latin run.
  hb_unicode_funcs_t* unicode = hb_unicode_funcs_get_default();
  std::vector<hb_script_t> raw(n), scripts(n);
  for (int i = 0; i < n; ++i) raw[i] = hb_unicode_script(unicode, p.text[i]);
  hb_script_t last = HB_SCRIPT_INVALID;
  for (int i = 0; i < n; ++i) {
    if (!is_neutral_script(raw[i])) last = raw[i];
    scripts[i] = is_neutral_script(raw[i]) ? last : raw[i];
  }
  hb_script_t first = HB_SCRIPT_COMMON;
  for (int i = 0; i < n; ++i)
    if (!is_neutral_script(raw[i])) {
      first = raw[i];
      break;
    }
  for (int i = 0; i < n && scripts[i] == HB_SCRIPT_INVALID; ++i) scripts[i] = first;

  // Fonts: marks and neutral characters stay in the font before them when it
  // has them, so a run is not broken by a space or a combining accent.
  std::vector<int> font(n);
  for (int i = 0; i < n; ++i) {
    if (i > 0 && is_neutral_script(raw[i]) && fonts.has_glyph(font[i - 1], p.text[i])) {
      font[i] = font[i - 1];
      continue;
    }
    Expected<int> chosen = font_for(p.text[i]);
    if (!chosen) return chosen.error();
    font[i] = chosen.value();
  }
  for (int i = 0; i < n; ++i) {
    if (p.runs.empty() || p.runs.back().level != levels[i] ||
        p.runs.back().script != scripts[i] || p.runs.back().font != font[i])
      p.runs.push_back({i, i, levels[i], scripts[i], font[i]});
    p.runs.back().end = i + 1;
  }
  return p;
}

// Shapes [run.begin, run.end) with the whole paragraph as context.
BufferPtr shape(const Paragraph& p, const Run& run, const ShapingFonts& fonts) {
  BufferPtr buffer(hb_buffer_create());
  hb_buffer_add_utf32(buffer.get(), reinterpret_cast<const uint32_t*>(p.text.data()),
                      static_cast<int>(p.text.size()), static_cast<unsigned>(run.begin),
                      run.end - run.begin);
  hb_buffer_set_direction(buffer.get(), run.level % 2 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
  hb_buffer_set_script(buffer.get(), run.script);
  // No language from the locale: the same show shapes the same everywhere.
  hb_shape(fonts.font(run.font), buffer.get(), nullptr, 0);
  return buffer;
}

// Line ranges [begin, end) of a paragraph, trailing spaces left out.
std::vector<std::pair<int, int>> break_lines(const Paragraph& p, const ShapingFonts& fonts,
                                             double max_width) {
  const int n = static_cast<int>(p.text.size());
  std::vector<int64_t> advance(n + 1, 0);
  std::vector<bool> cluster_start(n + 1, false);
  cluster_start[0] = true;
  cluster_start[n] = true;
  for (const Run& run : p.runs) {
    BufferPtr buffer = shape(p, run, fonts);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer.get(), &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer.get(), &count);
    for (unsigned g = 0; g < count; ++g) {
      advance[info[g].cluster] += pos[g].x_advance;
      cluster_start[info[g].cluster] = true;
    }
  }
  std::vector<int64_t> prefix(n + 1, 0);
  for (int i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + advance[i];
  const double max_units = max_width * 64.0;  // positions are 26.6 pixels
  auto width = [&](int a, int b) { return static_cast<double>(prefix[b] - prefix[a]); };
  auto next_cluster = [&](int k) {
    do ++k;
    while (k < n && !cluster_start[k]);
    return k;
  };

  std::vector<std::pair<int, int>> lines;
  int begin = 0, end = 0;
  bool empty = true;
  int i = 0;
  while (i < n) {
    const int word_begin = i;
    while (i < n && !breaks_line(p.text[i])) ++i;
    const int word_end = i;
    while (i < n && breaks_line(p.text[i])) ++i;
    if (word_begin == word_end) continue;  // leading spaces: part of the first line
    if (!empty && width(begin, word_end) > max_units) {
      lines.emplace_back(begin, end);
      begin = word_begin;
      empty = true;
    }
    // A word wider than a whole line is cut between clusters.
    while (width(begin, word_end) > max_units) {
      const int from = std::max(begin, word_begin);
      int fit = -1;
      for (int j = next_cluster(from); j <= word_end; j = next_cluster(j)) {
        if (width(begin, j) > max_units) break;
        fit = j;
      }
      if (fit < 0) fit = std::min(next_cluster(from), word_end);
      if (fit >= word_end) break;
      lines.emplace_back(begin, fit);
      begin = fit;
    }
    end = word_end;
    empty = false;
  }
  if (!empty || lines.empty()) lines.emplace_back(begin, empty ? begin : end);
  return lines;
}

ShapedLine shape_line(const Paragraph& p, int begin, int end, const ShapingFonts& fonts) {
  std::vector<Run> runs;
  for (const Run& run : p.runs) {
    Run clipped = run;
    clipped.begin = std::max(run.begin, begin);
    clipped.end = std::min(run.end, end);
    if (clipped.begin < clipped.end) runs.push_back(clipped);
  }
  // Rule L2: from the highest level down to the lowest odd one, reverse
  // every stretch of runs at that level or above.
  std::vector<int> order(runs.size());
  std::iota(order.begin(), order.end(), 0);
  int highest = 0, lowest_odd = 1000;
  for (const Run& run : runs) {
    highest = std::max(highest, run.level);
    if (run.level % 2) lowest_odd = std::min(lowest_odd, run.level);
  }
  for (int level = highest; level >= lowest_odd && level > 0; --level) {
    for (size_t a = 0; a < order.size();) {
      if (runs[order[a]].level < level) {
        ++a;
        continue;
      }
      size_t b = a;
      while (b < order.size() && runs[order[b]].level >= level) ++b;
      std::reverse(order.begin() + static_cast<long>(a), order.begin() + static_cast<long>(b));
      a = b;
    }
  }
  ShapedLine line;
  int64_t pen = 0;  // 26.6
  for (int r : order) {
    BufferPtr buffer = shape(p, runs[r], fonts);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer.get(), &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer.get(), &count);
    for (unsigned g = 0; g < count; ++g) {
      line.glyphs.push_back({runs[r].font, info[g].codepoint,
                             static_cast<double>(pen + pos[g].x_offset) / 64.0,
                             -static_cast<double>(pos[g].y_offset) / 64.0});
      pen += pos[g].x_advance;
    }
  }
  line.width = static_cast<double>(pen) / 64.0;
  return line;
}

}  // namespace

void ShapingFonts::FontDeleter::operator()(hb_font_t* font) const { hb_font_destroy(font); }

ShapingFonts::ShapingFonts(int scale) : m_scale(scale) {}
ShapingFonts::~ShapingFonts() = default;

Expected<int> ShapingFonts::add(const FontFile& file) {
  for (size_t i = 0; i < m_files.size(); ++i)
    if (m_files[i] == file) return static_cast<int>(i);
  std::unique_ptr<hb_blob_t, BlobDeleter> blob(hb_blob_create_from_file_or_fail(file.path.c_str()));
  if (!blob) return Error{fmt::format("{}: the font file cannot be read", file.path)};
  std::unique_ptr<hb_face_t, FaceDeleter> face(
      hb_face_create(blob.get(), static_cast<unsigned>(file.index)));
  if (hb_face_get_glyph_count(face.get()) == 0)
    return Error{fmt::format("{}: not a font HarfBuzz can read", file.path)};
  std::unique_ptr<hb_font_t, FontDeleter> font(hb_font_create(face.get()));
  hb_font_set_scale(font.get(), m_scale, m_scale);
  m_files.push_back(file);
  m_fonts.push_back(std::move(font));
  return static_cast<int>(m_files.size() - 1);
}

hb_font_t* ShapingFonts::font(int index) const { return m_fonts[static_cast<size_t>(index)].get(); }

bool ShapingFonts::has_glyph(int index, char32_t codepoint) const {
  hb_codepoint_t glyph = 0;
  return hb_font_get_nominal_glyph(font(index), codepoint, &glyph) != 0;
}

Expected<std::vector<ShapedLine>> shape_text(const std::string& text, double max_width,
                                             ShapingFonts& fonts, const FontForChar& font_for) {
  std::vector<ShapedLine> lines;
  std::u32string all = decode_utf8(text);
  size_t start = 0;
  while (start <= all.size()) {
    size_t stop = all.find(U'\n', start);
    if (stop == std::u32string::npos) stop = all.size();
    std::u32string paragraph = all.substr(start, stop - start);  // a "\r" before "\n" is a space now
    Expected<Paragraph> analysed = analyse(std::move(paragraph), fonts, font_for);
    if (!analysed) return analysed.error();
    for (auto [begin, end] : break_lines(analysed.value(), fonts, max_width))
      lines.push_back(shape_line(analysed.value(), begin, end, fonts));
    start = stop + 1;
  }
  return lines;
}

}  // namespace chunkreel
