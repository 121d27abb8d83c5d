// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/view_window.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

// Centre coordinate clamped so a window of `size` stays inside [lo, hi].
double clamp_center(double center, double size, double lo, double hi) {
  if (size >= hi - lo) return (lo + hi) / 2;
  return std::clamp(center, lo + size / 2, hi - size / 2);
}

void base_window(int image_width, int image_height, Fit fit, int output_width,
                 int output_height, double* width, double* height) {
  const double aspect = static_cast<double>(output_width) / output_height;
  *width = base_window_width(image_width, image_height, fit, output_width, output_height);
  *height = *width / aspect;
}

}  // namespace

ViewPoint interpolate_view(const Motion& motion, double p) {
  ViewPoint v;
  v.center_x = motion.from.center_x + (motion.to.center_x - motion.from.center_x) * p;
  v.center_y = motion.from.center_y + (motion.to.center_y - motion.from.center_y) * p;
  v.zoom = motion.from.zoom * std::pow(motion.to.zoom / motion.from.zoom, p);
  return v;
}

Window view_window(int image_width, int image_height, Fit fit, const ViewPoint& v,
                   int output_width, int output_height) {
  double w0 = 0, h0 = 0;
  base_window(image_width, image_height, fit, output_width, output_height, &w0, &h0);
  Window window;
  window.width = w0 / v.zoom;
  window.height = h0 / v.zoom;
  double cx = v.center_x * image_width;
  double cy = v.center_y * image_height;
  if (fit == Fit::k_cover) {
    cx = clamp_center(cx, window.width, 0, image_width);
    cy = clamp_center(cy, window.height, 0, image_height);
  } else {
    // Contained images sit centred on a canvas of the output's aspect; the
    // window stays on that canvas.
    cx = clamp_center(cx, window.width, (image_width - w0) / 2, (image_width + w0) / 2);
    cy = clamp_center(cy, window.height, (image_height - h0) / 2, (image_height + h0) / 2);
  }
  window.x = cx - window.width / 2;
  window.y = cy - window.height / 2;
  return window;
}

}  // namespace chunkreel
