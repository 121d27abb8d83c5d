// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/rational.h"

#include <cmath>
#include <cstdlib>
#include <numeric>

namespace chunkreel {
namespace {

// Parses a non-negative decimal integer that fits comfortably in int64_t.
bool parse_integer(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 12) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string Rational::to_string() const {
  return den == 1 ? std::to_string(num) : std::to_string(num) + "/" + std::to_string(den);
}

Rational reduced(int64_t num, int64_t den) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int64_t g = std::gcd(num, den);
  if (g == 0) g = 1;
  return {num / g, den / g};
}

Expected<Rational> parse_rational(const std::string& text) {
  int64_t num = 0;
  int64_t den = 1;
  auto slash = text.find('/');
  bool ok = slash == std::string::npos
                ? parse_integer(text, &num)
                : parse_integer(text.substr(0, slash), &num) &&
                      parse_integer(text.substr(slash + 1), &den);
  if (!ok) return Error{"'" + text + "' is not an integer or a ratio such as 30000/1001"};
  if (num <= 0 || den <= 0) return Error{"'" + text + "' must be positive"};
  return reduced(num, den);
}

double frame_time(int64_t index, Rational fps) {
  // Multiply before dividing so integer frame rates give exact times.
  return static_cast<double>(index) * static_cast<double>(fps.den) /
         static_cast<double>(fps.num);
}

int64_t frame_count(double seconds, Rational fps) {
  return std::llround(seconds * static_cast<double>(fps.num) / static_cast<double>(fps.den));
}

int64_t first_frame_at_or_after(double seconds, Rational fps) {
  double position = seconds * static_cast<double>(fps.num) / static_cast<double>(fps.den);
  return static_cast<int64_t>(std::ceil(position - 1e-9));
}

}  // namespace chunkreel
