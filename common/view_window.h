// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where a slide's view window lies in its image on a given frame.
//
// At zoom 1 the window is the largest rectangle of the output's aspect ratio
// inside the image (cover) or the smallest one holding the whole image
// (contain, the rest being background). At zoom z it is 1/z of that size.
// Between `from` and `to` the centre moves linearly and the zoom
// geometrically (each frame scales by the same factor), with easing applied
// to the progress. Everything stays in double precision: nothing snaps to
// whole pixels.

#include "common/prefilter_size.h"
#include "common/timeline.h"

namespace chunkreel {

/// A rectangle in image pixels (display orientation, original resolution).
struct Window {
  double x = 0;  ///< left edge
  double y = 0;  ///< top edge
  double width = 0;
  double height = 0;
};

/// The view point at eased progress `p` in [0, 1].
ViewPoint interpolate_view(const Motion& motion, double p);

/// The window for view point `v`, clamped as the fit requires.
Window view_window(int image_width, int image_height, Fit fit, const ViewPoint& v,
                   int output_width, int output_height);

}  // namespace chunkreel
