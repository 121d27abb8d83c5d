// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/timeline.h"

#include <array>
#include <cstdio>
#include <utility>

namespace chunkreel {
namespace {

template <typename E, size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "?";
}

template <typename E, size_t N>
bool value_of(const std::array<std::pair<E, const char*>, N>& table, const std::string& text,
              E* out) {
  for (const auto& [e, name] : table) {
    if (text == name) {
      *out = e;
      return true;
    }
  }
  return false;
}

constexpr std::array<std::pair<Fit, const char*>, 3> k_fits{{
    {Fit::k_cover, "cover"},
    {Fit::k_contain, "contain"},
    {Fit::k_contain_blur, "contain-blur"},
}};

constexpr std::array<std::pair<TransitionType, const char*>, 9> k_transitions{{
    {TransitionType::k_cut, "cut"},
    {TransitionType::k_crossfade, "crossfade"},
    {TransitionType::k_fade_black, "fade-black"},
    {TransitionType::k_wipe_left, "wipe-left"},
    {TransitionType::k_wipe_right, "wipe-right"},
    {TransitionType::k_wipe_up, "wipe-up"},
    {TransitionType::k_wipe_down, "wipe-down"},
    {TransitionType::k_slide_left, "slide-left"},
    {TransitionType::k_slide_right, "slide-right"},
}};

constexpr std::array<std::pair<Easing, const char*>, 4> k_easings{{
    {Easing::k_linear, "linear"},
    {Easing::k_ease_in, "ease-in"},
    {Easing::k_ease_out, "ease-out"},
    {Easing::k_ease_in_out, "ease-in-out"},
}};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const char* to_string(Fit fit) { return name_of(k_fits, fit); }
const char* to_string(TransitionType type) { return name_of(k_transitions, type); }
const char* to_string(Easing easing) { return name_of(k_easings, easing); }
bool parse_fit(const std::string& text, Fit* out) { return value_of(k_fits, text, out); }
bool parse_transition_type(const std::string& text, TransitionType* out) {
  return value_of(k_transitions, text, out);
}
std::vector<const char*> transition_type_names() {
  std::vector<const char*> names;
  for (const auto& [type, name] : k_transitions) names.push_back(name);
  return names;
}
bool parse_easing(const std::string& text, Easing* out) { return value_of(k_easings, text, out); }

bool parse_colour(const std::string& text, Colour* out) {
  if (text.size() != 7 || text[0] != '#') return false;
  int v[6];
  for (int i = 0; i < 6; ++i) {
    v[i] = hex_digit(text[i + 1]);
    if (v[i] < 0) return false;
  }
  out->r = static_cast<uint8_t>(v[0] * 16 + v[1]);
  out->g = static_cast<uint8_t>(v[2] * 16 + v[3]);
  out->b = static_cast<uint8_t>(v[4] * 16 + v[5]);
  return true;
}

std::string to_string(Colour colour) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", colour.r, colour.g, colour.b);
  return buffer;
}

bool is_x264_preset(const std::string& name) {
  static const char* const k_presets[] = {"ultrafast", "superfast", "veryfast", "faster",
                                          "fast",      "medium",    "slow",     "slower",
                                          "veryslow",  "placebo"};
  for (const char* preset : k_presets)
    if (name == preset) return true;
  return false;
}

}  // namespace chunkreel
