// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// How much of a photo's resolution a slide can ever use, shared by the
// worker (which loads the photo at that size) and the plan (which counts its
// memory before anything runs).

#include "common/timeline.h"

namespace chunkreel {

/// Width in image pixels of the view window at zoom 1: the largest
/// rectangle of the output's aspect inside the image (cover), or the
/// smallest one holding the whole image (contain).
double base_window_width(int image_width, int image_height, Fit fit, int output_width,
                         int output_height);

/// Output pixels per image pixel at the motion's closest view. Values below
/// 1 allow a prefilter.
double max_density(int image_width, int image_height, Fit fit, const Motion& motion,
                   int output_width, int output_height);

/// The size (display orientation) a slide's photo is loaded at: full size
/// unless even the closest view shrinks it.
void prefiltered_size(int image_width, int image_height, Fit fit, const Motion& motion,
                      int output_width, int output_height, int* width, int* height);

/// A title card's picture: a solid square this many pixels a side, which
/// its view window stretches over the whole frame.
constexpr int k_card_side = 16;

}  // namespace chunkreel
