#pragma once
// From the renderer's float Y'CbCr to the encoder's 8-bit limited-range
// 4:2:0 frame: Y = 16 + 219 Y', C = 128 + 224 C'. This is the one place
// values are rounded, with an ordered dither below one code value so smooth
// gradients (skies) do not band.

struct AVFrame;

namespace chunkreel {

struct Picture;

/// `frame` must be an allocated yuv420p frame of the picture's size.
void quantise_to_frame(const Picture& picture, AVFrame* frame);

/// BT.709 limited-range YCbCr of an 8-bit R'G'B' triple, unrounded.
void bt709_limited(double r, double g, double b, double* y, double* cb, double* cr);

}  // namespace chunkreel
