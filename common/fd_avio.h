// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// FFmpeg's muxers writing into a file descriptor chunkreel opened itself.
//
// avio_open() reopens a file by name with O_TRUNC, following links: between
// chunkreel creating a temporary exclusively and FFmpeg opening it, a link
// planted at that name would send the bytes over someone else's file. An
// AVIOContext over the descriptor writes the very file that was created.

#include <memory>
#include <string>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

struct FdAvioDeleter {
  void operator()(AVIOContext* ctx) const;
};
/// Frees the context and its buffer; the descriptor stays open (its owner
/// closes it).
using FdAvioPtr = std::unique_ptr<AVIOContext, FdAvioDeleter>;

/// A seekable, writable AVIOContext over `fd`, which must outlive it.
Expected<FdAvioPtr> open_fd_avio(int fd);

/// Hands `avio` to `muxer` as its pb, marked as custom I/O so the muxer's
/// owner (OutputFormatPtr) leaves it alone; `avio` must outlive `muxer`.
void attach_fd_avio(AVFormatContext* muxer, AVIOContext* avio);

/// Flushes what the muxer left in `avio`'s buffer to the descriptor; the
/// error names `path` (the file the descriptor is).
Expected<void> flush_fd_avio(AVIOContext* avio, const std::string& path);

}  // namespace chunkreel
