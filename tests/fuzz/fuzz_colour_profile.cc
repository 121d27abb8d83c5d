// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the colour-profile reader for every container (JPEG
// APP2 segments in order, PNG iCCP with its deflate stream and cHRM/gAMA,
// WebP ICCP, TIFF tag 34675, HEIF/AVIF colr boxes) and LittleCMS opening
// what it finds. The first byte picks the container the rest is read as,
// so each reader sees inputs its probe would not have let through.
// Run: scripts/fuzz colour_profile [SECONDS]

#include "common/colour_profile.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chunkreel;
  if (size < 1) return 0;
  constexpr ImageFormat k_formats[] = {ImageFormat::k_jpeg, ImageFormat::k_png,  ImageFormat::k_webp,
                                       ImageFormat::k_tiff, ImageFormat::k_heif, ImageFormat::k_avif};
  const ImageFormat format = k_formats[data[0] % 6];
  fuzz::MemoryFile file(data + 1, size - 1);
  auto colour = read_embedded_colour(file.path(), format);
  if (colour) (void)make_profile(colour.value());
  return 0;
}
