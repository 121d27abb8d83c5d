// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the EXIF reader (a TIFF structure with or without its
// "Exif\0\0" lead: byte order, IFD offsets, entry counts, the Exif IFD's
// DateTimeOriginal). Any bytes give an orientation from 1 to 8 and a date
// that is empty or "YYYY-MM-DD".
// Run: scripts/fuzz exif [SECONDS]

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/image_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chunkreel;
  const int orientation = exif_orientation(data, size);
  if (orientation < 1 || orientation > 8) __builtin_trap();
  const std::string date = exif_date_taken(data, size);
  if (!date.empty()) {
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') __builtin_trap();
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
      if (!std::isdigit(static_cast<unsigned char>(date[i]))) __builtin_trap();
  }
  return 0;
}
