#pragma once
// Writing files so that a reader, or a power cut, never sees half of one.

#include <string>

#include "common/error.h"

namespace chunkreel {

/// Writes `contents` to `path` + ".tmp", flushes it to disk, then renames it
/// over `path`. On failure the temporary file is removed and `path` is as it was.
Expected<void> write_file_atomically(const std::string& path, const std::string& contents);

/// Renames `from` to `to` and syncs the folder, so the rename is durable.
Expected<void> commit_file(const std::string& from, const std::string& to);

}  // namespace chunkreel
