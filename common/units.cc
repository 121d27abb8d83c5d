// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/units.h"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace chunkreel {

std::string format_bytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.0f} MiB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.0f} KiB", b / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string format_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02d}", s / 60, s % 60);
}

double seconds_since_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Expected<int64_t> parse_size(const std::string& text) {
  if (text.empty()) return Error{"a size is required, such as 4G or 512M"};
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  double unit = 1;
  std::string suffix(end);
  if (suffix == "K" || suffix == "k" || suffix == "KiB") unit = 1024.0;
  else if (suffix == "M" || suffix == "m" || suffix == "MiB") unit = 1024.0 * 1024;
  else if (suffix == "G" || suffix == "g" || suffix == "GiB") unit = 1024.0 * 1024 * 1024;
  else if (!suffix.empty()) return Error{"'" + text + "' is not a size (use a byte count or K, M, G)"};
  if (!std::isfinite(value) || value <= 0 || end == text.c_str())
    return Error{"'" + text + "' is not a size above 0"};
  // 2^60 bytes (an exbibyte) is far past any machine, and far from int64's end.
  if (value * unit >= 0x1p60) return Error{"'" + text + "' is larger than any machine's memory"};
  if (value * unit < 1) return Error{"'" + text + "' is less than a byte"};
  return static_cast<int64_t>(value * unit);
}

}  // namespace chunkreel
