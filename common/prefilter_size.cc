// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/prefilter_size.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {

double base_window_width(int image_width, int image_height, Fit fit, int output_width,
                         int output_height) {
  const double aspect = static_cast<double>(output_width) / output_height;
  const double w = image_width;
  const double h = image_height;
  return fit == Fit::k_cover ? std::min(w, h * aspect) : std::max(w, h * aspect);
}

double max_density(int image_width, int image_height, Fit fit, const Motion& motion,
                   int output_width, int output_height) {
  const double w0 = base_window_width(image_width, image_height, fit, output_width, output_height);
  const double zoom = std::max(motion.from.zoom, motion.to.zoom);
  return output_width * zoom / w0;
}

void prefiltered_size(int image_width, int image_height, Fit fit, const Motion& motion,
                      int output_width, int output_height, int* width, int* height) {
  const double factor =
      std::min(1.0, max_density(image_width, image_height, fit, motion, output_width, output_height));
  *width = std::max(2, static_cast<int>(std::lround(image_width * factor)));
  *height = std::max(2, static_cast<int>(std::lround(image_height * factor)));
}

}  // namespace chunkreel
