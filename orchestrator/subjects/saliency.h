// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The region of a photo that stands out, by spectral residual saliency
// (Hou and Zhang, "Saliency Detection: A Spectral Residual Approach", CVPR
// 2007): on a 64x64 copy, the log amplitude spectrum less its local mean
// keeps what is unexpected in the picture; transformed back with the
// original phase and squared, it is bright where the eye goes. Built from
// OpenCV's own transforms (the saliency module of opencv_contrib would
// bring VTK and Qt with it in Debian).

#include <optional>

#include <opencv2/core.hpp>

#include "common/subjects.h"

namespace chunkreel {

/// The bounding box of the most salient connected region of `grey` (8-bit,
/// one channel), when one region holds a clear share of the saliency and
/// covers at most half the picture; none for a picture where nothing
/// stands out (flat, uniform texture, or saliency spread everywhere).
std::optional<Box> salient_region(const cv::Mat& grey);

}  // namespace chunkreel
