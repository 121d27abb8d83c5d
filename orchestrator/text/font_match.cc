// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/text/font_match.h"

#include <fontconfig/fontconfig.h>

#include <fmt/format.h>

namespace chunkreel {
namespace {

struct PatternDeleter {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
using PatternPtr = std::unique_ptr<FcPattern, PatternDeleter>;
struct FontSetDeleter {
  void operator()(FcFontSet* s) const { FcFontSetDestroy(s); }
};
using FontSetPtr = std::unique_ptr<FcFontSet, FontSetDeleter>;

const FcChar8* text(const std::string& s) { return reinterpret_cast<const FcChar8*>(s.c_str()); }

// Family names compare as fontconfig compares them: ignoring case and blanks.
bool same_family(std::string a, std::string b) {
  std::erase(a, ' ');
  std::erase(b, ' ');
  return FcStrCmpIgnoreCase(text(a), text(b)) == 0;
}

// Generic names are rules in themselves: asking for "serif" is asking
// fontconfig to choose.
bool is_generic(const std::string& family) {
  for (const char* generic : {"sans-serif", "sans", "serif", "monospace", "mono", "cursive",
                              "fantasy", "system-ui", "emoji", "math"})
    if (same_family(family, generic)) return true;
  return false;
}

// A pattern for family and weight, after the configuration's substitutions.
PatternPtr substituted(FcConfig* config, const std::string& family, FontWeight weight) {
  PatternPtr pattern(FcPatternCreate());
  FcPatternAddString(pattern.get(), FC_FAMILY, text(family));
  FcPatternAddInteger(pattern.get(), FC_WEIGHT,
                      weight == FontWeight::k_bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddInteger(pattern.get(), FC_SLANT, FC_SLANT_ROMAN);
  FcConfigSubstitute(config, pattern.get(), FcMatchPattern);
  FcDefaultSubstitute(pattern.get());
  return pattern;
}

std::vector<std::string> families_of(const FcPattern* pattern) {
  std::vector<std::string> out;
  FcChar8* value = nullptr;
  for (int i = 0; FcPatternGetString(pattern, FC_FAMILY, i, &value) == FcResultMatch; ++i)
    out.emplace_back(reinterpret_cast<const char*>(value));
  return out;
}

bool has_family(const FcPattern* font, const std::string& family) {
  for (const std::string& name : families_of(font))
    if (same_family(name, family)) return true;
  return false;
}

std::optional<FontFile> file_of(const FcPattern* font) {
  FcChar8* path = nullptr;
  int index = 0;
  if (FcPatternGetString(font, FC_FILE, 0, &path) != FcResultMatch) return std::nullopt;
  FcPatternGetInteger(font, FC_INDEX, 0, &index);
  return FontFile{reinterpret_cast<const char*>(path), index};
}

}  // namespace

struct FontMatcher::Sorted {
  FontSetPtr fonts;
};

void FontMatcher::ConfigDeleter::operator()(void* config) const {
  FcConfigDestroy(static_cast<FcConfig*>(config));
}

FontMatcher::FontMatcher() : m_config(FcInitLoadConfigAndFonts()) {
  if (!m_config) return;  // match() says so
  // What the configuration does with a name nobody has: the baseline that
  // tells a rule about a real name apart from the catch-all default.
  auto pattern = substituted(static_cast<FcConfig*>(m_config.get()),
                             "chunkreel-no-such-family-2f9c", FontWeight::k_regular);
  m_default_families = families_of(pattern.get());
  if (!m_default_families.empty()) m_default_families.erase(m_default_families.begin());
}

FontMatcher::~FontMatcher() = default;

Expected<FontChoice> FontMatcher::match(const std::string& family, FontWeight weight) {
  auto* config = static_cast<FcConfig*>(m_config.get());
  if (!config) return Error{"fontconfig cannot load its configuration"};
  PatternPtr pattern = substituted(config, family, weight);
  FcResult result = FcResultNoMatch;
  PatternPtr font(FcFontMatch(config, pattern.get(), &result));
  std::optional<FontFile> file = font ? file_of(font.get()) : std::nullopt;
  if (!file) return Error{fmt::format("no font at all is installed (fontconfig found none)")};
  const std::vector<std::string> names = families_of(font.get());
  FontChoice choice{*file, names.empty() ? family : names.front(), {}};

  if (!has_family(font.get(), family)) {
    std::vector<std::string> rules = families_of(pattern.get());
    if (!rules.empty() && same_family(rules.front(), family))
      rules.erase(rules.begin());
    if (!is_generic(family) && rules == m_default_families)
      return Error{fmt::format("font family '{}' is not installed and fontconfig knows no "
                               "substitute for it (see `fc-list : family`)",
                               family)};
    if (!is_generic(family))
      choice.note = fmt::format("font family '{}' is not installed; using '{}', fontconfig's "
                                "substitute for it",
                                family, choice.family);
    return choice;
  }
  // A family with no bold face comes back as its regular face, either
  // with a lighter weight or, where the configuration offers synthetic
  // bold, marked "embolden" (which chunkreel does not do).
  int got_weight = FC_WEIGHT_REGULAR;
  FcBool embolden = FcFalse;
  FcPatternGetInteger(font.get(), FC_WEIGHT, 0, &got_weight);
  FcPatternGetBool(font.get(), FC_EMBOLDEN, 0, &embolden);
  if (weight == FontWeight::k_bold && (got_weight < FC_WEIGHT_DEMIBOLD || embolden))
    choice.note = fmt::format("font family '{}' has no bold face; using its regular face", family);
  return choice;
}

const FontMatcher::Sorted& FontMatcher::sorted(const std::string& family, FontWeight weight) {
  auto& slot = m_sorted[{family, weight}];
  if (!slot) {
    auto* config = static_cast<FcConfig*>(m_config.get());
    slot = std::make_unique<Sorted>();
    if (!config) return *slot;
    PatternPtr pattern = substituted(config, family, weight);
    FcResult result = FcResultNoMatch;
    slot->fonts.reset(FcFontSort(config, pattern.get(), FcFalse, nullptr, &result));
  }
  return *slot;
}

std::optional<FontFile> FontMatcher::face_with(const std::string& family, FontWeight weight,
                                               char32_t codepoint) {
  const Sorted& list = sorted(family, weight);
  if (!list.fonts) return std::nullopt;
  for (int i = 0; i < list.fonts->nfont; ++i) {
    const FcPattern* font = list.fonts->fonts[i];
    FcCharSet* charset = nullptr;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &charset) != FcResultMatch) continue;
    if (FcCharSetHasChar(charset, codepoint)) return file_of(font);
  }
  return std::nullopt;
}

}  // namespace chunkreel
