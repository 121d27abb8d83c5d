// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Finding what a photo shows, on a small upright grey copy of it: faces by
// OpenCV's LBP cascade, and, where there is no face, the region spectral
// residual saliency picks out (Hou and Zhang, CVPR 2007), when one region
// stands out clearly enough to steer by.
//
// The copy is made as cheaply as the format allows: a JPEG decodes at 1/2,
// 1/4 or 1/8 scale in its inverse DCT; a HEIC or AVIF with a thumbnail item
// of usable size is read from that; other formats decode whole. Its longer
// side is at most k_detect_size pixels, so a face of 24 pixels there (the
// cascade's window) is 5% of the photo's longer side.
//
// Everything is deterministic: bit-exact scaling, one OpenCV thread (the
// caller runs photos side by side instead), and results sorted, so two
// machines find the same boxes.

#include <memory>
#include <string>

#include "common/error.h"
#include "common/image_probe.h"
#include "common/subjects.h"

namespace chunkreel {

inline constexpr int k_detect_size = 480;
/// The longer side of the grey thumbnail kept for the report.
inline constexpr int k_thumbnail_size = 160;

/// What one photo shows, and a small grey JPEG of it (upright) on which the
/// HTML report draws the boxes and view windows.
struct FoundSubjects {
  Subjects subjects;
  std::string thumbnail_jpeg;
};

/// The detector's identity, for the cache: a change to any part of it
/// (chunkreel's method, the cascade, OpenCV's version) finds again.
std::string subject_finder_version();

/// One per thread: OpenCV's cascade classifier is not shared between
/// threads.
class SubjectFinder {
 public:
  /// Loads the face cascade; an error names the file it needs.
  static Expected<SubjectFinder> open();
  SubjectFinder(SubjectFinder&&) noexcept;
  SubjectFinder& operator=(SubjectFinder&&) noexcept;
  ~SubjectFinder();

  /// The subjects of the photo at `path`, probed as `image`. Errors name
  /// the file (one that cannot be decoded).
  Expected<FoundSubjects> find(const std::string& path, const ImageInfo& image);

 private:
  struct Impl;
  explicit SubjectFinder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace chunkreel
