// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/subjects/saliency.h"

#include <opencv2/imgproc.hpp>

namespace chunkreel {
namespace {

constexpr int k_map_size = 64;  // the paper's scale
// A pixel is salient above twice the map's mean (the paper's object map
// takes three times; with its pieces joined by a closing, twice gives whole
// objects rather than their edges on Debian's sample photographs).
constexpr double k_threshold = 2.0;
// The region is taken when it holds this share of all the map's saliency
// and covers no more than this share of the picture.
constexpr double k_min_share = 0.25;
constexpr double k_max_area = 0.5;

}  // namespace

std::optional<Box> salient_region(const cv::Mat& grey) {
  if (grey.empty()) return std::nullopt;
  cv::Mat small;
  cv::resize(grey, small, cv::Size(k_map_size, k_map_size), 0, 0, cv::INTER_AREA);
  cv::Mat real;
  small.convertTo(real, CV_64F, 1.0 / 255);
  cv::Mat planes[2] = {real, cv::Mat::zeros(real.size(), CV_64F)};
  cv::Mat spectrum;
  cv::merge(planes, 2, spectrum);
  cv::dft(spectrum, spectrum);
  cv::split(spectrum, planes);
  cv::Mat amplitude, phase;
  cv::cartToPolar(planes[0], planes[1], amplitude, phase);
  cv::Mat log_amplitude;
  cv::log(amplitude + 1e-9, log_amplitude);
  cv::Mat average;
  cv::blur(log_amplitude, average, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  cv::Mat residual;
  cv::exp(log_amplitude - average, residual);
  cv::polarToCart(residual, phase, planes[0], planes[1]);
  cv::merge(planes, 2, spectrum);
  cv::dft(spectrum, spectrum, cv::DFT_INVERSE | cv::DFT_SCALE);
  cv::split(spectrum, planes);
  cv::Mat saliency;
  cv::magnitude(planes[0], planes[1], saliency);
  saliency = saliency.mul(saliency);
  cv::GaussianBlur(saliency, saliency, cv::Size(0, 0), 2.5, 2.5, cv::BORDER_REPLICATE);

  const double total = cv::sum(saliency)[0];
  if (!(total > 0)) return std::nullopt;
  const double mean = total / (k_map_size * k_map_size);
  cv::Mat mask = saliency > k_threshold * mean;
  // Join the pieces of one object (its edges light up more than its inside).
  cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(7, 7)));
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  int best = 0;
  double best_sum = 0;
  for (int label = 1; label < count; ++label) {
    const cv::Mat region = labels == label;
    const double sum = cv::mean(saliency, region)[0] * cv::countNonZero(region);
    if (sum > best_sum) {
      best = label;
      best_sum = sum;
    }
  }
  if (best == 0 || best_sum < k_min_share * total) return std::nullopt;
  const int x = stats.at<int>(best, cv::CC_STAT_LEFT), y = stats.at<int>(best, cv::CC_STAT_TOP);
  const int w = stats.at<int>(best, cv::CC_STAT_WIDTH), h = stats.at<int>(best, cv::CC_STAT_HEIGHT);
  if (static_cast<double>(w) * h > k_max_area * k_map_size * k_map_size) return std::nullopt;
  const double n = k_map_size;
  return Box{x / n, y / n, w / n, h / n};
}

}  // namespace chunkreel
