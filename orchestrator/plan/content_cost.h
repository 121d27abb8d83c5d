#pragma once
// What a slide's frames cost the encoder, relative to each other, from a
// probe that costs nothing: how many bytes a pixel takes in the photo's own
// file. Detail and noise make both the photo's file and libx264's work
// larger. Measured on the bench show (scripts/bench: twelve 4000x3000
// JPEGs, 1080p veryfast, one 120-frame chunk each), chunks of photos at
// 1.04 bytes a pixel took 8.1-8.9 s against 4.6-5.2 s at 0.27: a frame
// costs about 0.63 + (bytes a pixel), and that is the weight.

#include "common/image_probe.h"

namespace chunkreel {

/// The relative encode cost of a frame showing this photo (about 1 for a
/// typical camera JPEG).
double encode_weight(const ImageInfo& image);

}  // namespace chunkreel
