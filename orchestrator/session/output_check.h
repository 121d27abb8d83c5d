// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An output may never replace an input, and replaces any other file only
// when the user asked for that (-y, as ffmpeg). Before any work starts, every
// file a render will write is compared with every file it reads, by
// identity: the same device and inode (which catches symlinks and hard links
// to an input), or, for an output that does not exist yet, the same fully
// resolved path.

#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/timeline.h"

namespace chunkreel {

/// A file a render reads, and where it is named.
struct InputFile {
  std::string path;
  std::string owner;  ///< "the show", or a batch project's file name
  std::string field;  ///< "slides[0].image", "audio[1].file", "the project file", "--config"
};

/// A file a render writes, as the user named it.
struct OutputFile {
  std::string option;  ///< how it was named: "-o", "--report", "--out-dir"...
  std::string path;
  /// Whether a file already at `path` may be replaced (-y, or a batch's
  /// own earlier output); an input never may.
  Replace replace = Replace::k_never;
};

/// The files `timeline` reads: its project file (when it came from one), each
/// image and audio file (first mention of each), and `config` when given.
std::vector<InputFile> inputs_of(const Timeline& timeline, const std::string& owner,
                                 const std::string& config = {});

/// Refuses, with a one-line message naming both paths, an output that is an
/// existing folder, that is one of `inputs`, that is the same file as an
/// earlier output, that lies inside `work_folder` (when given) or inside
/// any other folder that chunkreel made for a render, or that exists (as a
/// file or a link, even a dangling one) and may not be replaced.
Expected<void> check_outputs(const std::vector<OutputFile>& outputs,
                             const std::vector<InputFile>& inputs,
                             const std::string& work_folder = {});

}  // namespace chunkreel
