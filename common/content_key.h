// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Content keys: a chunk's identity for resuming. The key hashes everything
// that decides the chunk's bytes: its frames, its slides (timing, motion,
// fit, transition), the output and encoder settings, the worker's thread
// count, each image's identity (size, modification time and a hash of its
// first 64 KiB) and content_version(): chunkreel's own version and those of
// the libraries that make its bits, so chunks from before an upgrade are
// rendered again rather than joined to new ones. Where the chunk file
// lives is not part of it.

#include <string>
#include <vector>

#include "common/chunk_job.h"

namespace chunkreel {

/// The file libx264 was loaded from, by its soname ("libx264.so.164": the
/// number is x264's build); libavcodec links it, chunkreel does not.
std::string loaded_x264();

/// What goes into every key: "chunkreel 0.3.0; libx264.so.164; libavcodec
/// 59.37.100; libswscale 6.7.100" (CMake's project version; x264's build as
/// the loaded library names it; the FFmpeg libraries' versions at run time).
const std::string& content_version();

/// 16 hex digits. Image files are read (their first 64 KiB) and stat'ed.
std::string chunk_content_key(const ChunkJob& job);

/// A slide's prepared picture's identity (see JobSlide::shared_picture):
/// its photo's identity, the orientation applied, the size it is reduced
/// to for `output`, the background behind transparency, and chunkreel's
/// version. 16 hex digits; the image file is read (its first 64 KiB).
std::string picture_content_key(const JobSlide& slide, const OutputSettings& output);

/// A whole show's identity: the resolved timeline (every slide, transition,
/// motion and track, output and encoder settings), each image's and audio
/// file's identity, and chunkreel's version. Independent of how it is split.
std::string timeline_content_key(const std::string& timeline_json,
                                 const std::vector<std::string>& media_files);

/// FNV-1a over bytes, continuing from `hash`.
uint64_t fnv1a64(const void* data, size_t size, uint64_t hash = 1469598103934665603ull);

}  // namespace chunkreel
