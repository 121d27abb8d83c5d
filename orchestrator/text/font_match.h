// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Finding fonts with fontconfig, by family and weight, the way the rest of
// the desktop does (fc-match), so a caption's "font" means what `fc-list`
// shows.
//
// fontconfig always answers with *some* font: a family it has never heard
// of silently becomes the default sans. We separate three cases:
//   - the family is installed: it is used;
//   - fontconfig has rules for the name (an alias such as "Helvetica", or a
//     generic such as "serif"): the font those rules choose is used, with a
//     note naming it when it is not the family asked for;
//   - neither: the family is refused, because the user would otherwise get a
//     font they never asked for without knowing it.
// "Has rules" is decided by comparing the family list fontconfig's
// configuration builds for the name with the one it builds for a name that
// cannot exist: any difference is a rule about this name.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/caption.h"
#include "common/error.h"

namespace chunkreel {

struct FontChoice {
  FontFile file;
  std::string family;  ///< the family the file belongs to
  /// Set when the font is not what was asked for: another family chosen by
  /// fontconfig's rules, or the regular face for a missing bold.
  std::string note;
};

class FontMatcher {
 public:
  FontMatcher();
  ~FontMatcher();
  FontMatcher(const FontMatcher&) = delete;
  FontMatcher& operator=(const FontMatcher&) = delete;

  /// The face fontconfig picks for `family` at `weight`; an error when
  /// fontconfig knows nothing of the family.
  Expected<FontChoice> match(const std::string& family, FontWeight weight);

  /// The first face, in fontconfig's order of preference for `family` at
  /// `weight`, that has a glyph for `codepoint`; nullopt when none has.
  std::optional<FontFile> face_with(const std::string& family, FontWeight weight,
                                    char32_t codepoint);

 private:
  struct Sorted;
  const Sorted& sorted(const std::string& family, FontWeight weight);

  struct ConfigDeleter {
    void operator()(void* config) const;
  };
  std::unique_ptr<void, ConfigDeleter> m_config;
  std::vector<std::string> m_default_families;
  std::map<std::pair<std::string, FontWeight>, std::unique_ptr<Sorted>> m_sorted;
};

}  // namespace chunkreel
