// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// HEIF and AVIF files through libheif: owners for its context, handles and
// images, opening a file's primary image, and reading its header for the
// probe. libheif applies the container's transformations (irot, imir, clap)
// itself, both to the sizes it reports and to the pixels it decodes, so a
// HEIF image never takes an EXIF orientation on top (that would rotate it
// twice).

#include <memory>
#include <string>

#include <libheif/heif.h>

#include "common/error.h"
#include "common/image_probe.h"

namespace chunkreel {

struct HeifContextDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifHandleDeleter {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct HeifImageDeleter {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
using HeifContextPtr = std::unique_ptr<heif_context, HeifContextDeleter>;
using HeifHandlePtr = std::unique_ptr<heif_image_handle, HeifHandleDeleter>;
using HeifImagePtr = std::unique_ptr<heif_image, HeifImageDeleter>;

/// An open file and its primary image.
struct HeifPrimary {
  HeifContextPtr context;
  HeifHandlePtr handle;
};

/// Opens `path` and its primary image. Errors say what libheif found wrong.
Expected<HeifPrimary> open_heif(const std::string& path);

/// The probe for a file whose bytes 4..7 are "ftyp": HEIF or AVIF by its
/// brand, its displayed size, and whether its boxes fit inside the file (a
/// file cut short is refused here, before any worker starts).
Expected<ImageInfo> probe_heif(const std::string& path, ImageInfo info);

}  // namespace chunkreel
