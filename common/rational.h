// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Exact frame-rate arithmetic. A frame rate is a positive rational such as
// 30/1 or 30000/1001; frame k is shown at time k * den / num seconds.

#include <cstdint>
#include <string>

#include "common/error.h"

namespace chunkreel {

struct Rational {
  int64_t num = 0;
  int64_t den = 1;

  double to_double() const { return static_cast<double>(num) / static_cast<double>(den); }
  bool operator==(const Rational&) const = default;
  std::string to_string() const;
};

/// Parses "30", "29.97" is refused (ambiguous), "30000/1001" accepted.
/// The result is reduced and has num > 0, den > 0.
Expected<Rational> parse_rational(const std::string& text);

/// Reduces num/den by their gcd; den must be non-zero.
Rational reduced(int64_t num, int64_t den);

/// Time in seconds at which frame `index` is shown.
double frame_time(int64_t index, Rational fps);

/// Number of frames of a show lasting `seconds`: round(seconds * fps).
int64_t frame_count(double seconds, Rational fps);

/// The first frame whose time is >= `seconds`, tolerant of rounding noise
/// (a time within 1e-9 of a frame's time counts as that frame's time).
int64_t first_frame_at_or_after(double seconds, Rational fps);

}  // namespace chunkreel
