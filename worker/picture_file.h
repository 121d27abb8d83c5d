// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A slide's prepared picture kept in a file of the work folder, so that the
// chunks on both sides of a chunk boundary load the slide there once.
//
// The file is the picture's bytes as the renderer holds them (three
// BlockedPlanes of 16-bit samples), behind a header that names the file
// itself and gives each plane's size, so a reader takes a file only when it
// is whole and is the one it asked for. A reused picture is therefore the
// same bits as a fresh load, and frames stay a pure function of the show.
// The file is written through a temporary name, flushed to disk and renamed
// (common/atomic_file.h): a reader never sees half of one, even after a
// power cut during a render that is later resumed.

#include <optional>
#include <string>

#include "common/error.h"
#include "worker/picture.h"

namespace chunkreel {

/// The picture in `path`, when that file exists, is whole, was written for
/// `path`, and holds a picture of `width` x `height`; nothing otherwise (a
/// missing file is the usual case: no chunk has written it yet).
std::optional<SourcePicture> read_picture_file(const std::string& path, int width, int height);

/// Writes `picture` to `path` through `temporary`, unless that would leave
/// the folder's filesystem with less than `keep_free` bytes. The picture is
/// an optimisation, so a caller may ignore the error.
Expected<void> write_picture_file(const SourcePicture& picture, const std::string& path,
                                  const std::string& temporary, int64_t keep_free);

}  // namespace chunkreel
