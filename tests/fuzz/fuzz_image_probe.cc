// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the image header probe (JPEG markers, PNG chunks, WebP
// RIFF chunks, TIFF IFDs, HEIF/AVIF boxes through libheif), then, for what
// it accepts, the colour profile reader and LittleCMS on its profile, as a
// render does before any work. Any input must give a value or an error.
// Run: scripts/fuzz image_probe [SECONDS]

#include "common/colour_profile.h"
#include "common/image_probe.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chunkreel;
  fuzz::MemoryFile file(data, size);
  auto info = probe_image(file.path());
  if (!info) return 0;
  const ImageInfo& image = info.value();
  if (image.stored_width <= 0 || image.stored_height <= 0 || image.orientation < 1 || image.orientation > 8)
    __builtin_trap();
  auto colour = read_embedded_colour(file.path(), image.format);
  if (colour) (void)make_profile(colour.value());
  return 0;
}
