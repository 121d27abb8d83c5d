#pragma once
// From the renderer's float sRGB to the encoder's 8-bit 4:2:0 picture.
//
// The matrix is BT.709 in limited ("tv") range: Y = 16 + 219 Y',
// Cb = 128 + 224 (B' - Y') / 1.8556, Cr = 128 + 224 (R' - Y') / 1.5748.
// Chroma is sited MPEG-2 style (left): horizontally co-sited with the even
// luma column ([1 2 1] / 4 filter), vertically between the two rows ([1 1] / 2).
// Rounding happens once, here, with an ordered dither below one code value
// so smooth gradients do not band.

struct AVFrame;

namespace chunkreel {

struct PlanarImage;

/// `frame` must be an allocated yuv420p frame of the image's size (even).
void convert_to_yuv420(const PlanarImage& rgb, AVFrame* frame);

/// BT.709 limited-range YCbCr of an 8-bit RGB triple, unrounded (for tests).
void bt709_limited(double r, double g, double b, double* y, double* cb, double* cr);

}  // namespace chunkreel
