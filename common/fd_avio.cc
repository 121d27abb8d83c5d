// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/fd_avio.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace chunkreel {
namespace {

constexpr int k_buffer_bytes = 1 << 16;

int fd_of(void* opaque) { return static_cast<int>(reinterpret_cast<intptr_t>(opaque)); }

int write_packet(void* opaque, uint8_t* data, int size) {
  const int fd = fd_of(opaque);
  int done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, static_cast<size_t>(size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return AVERROR(n < 0 ? errno : EIO);
    done += static_cast<int>(n);
  }
  return size;
}

int read_packet(void* opaque, uint8_t* data, int size) {
  const ssize_t n = ::read(fd_of(opaque), data, static_cast<size_t>(size));
  if (n < 0) return AVERROR(errno);
  return n == 0 ? AVERROR_EOF : static_cast<int>(n);
}

int64_t seek(void* opaque, int64_t offset, int whence) {
  const int fd = fd_of(opaque);
  if (whence & AVSEEK_SIZE) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? static_cast<int64_t>(st.st_size) : AVERROR(errno);
  }
  const off_t at = ::lseek(fd, offset, whence & ~AVSEEK_FORCE);
  return at < 0 ? AVERROR(errno) : static_cast<int64_t>(at);
}

}  // namespace

void FdAvioDeleter::operator()(AVIOContext* ctx) const {
  if (!ctx) return;
  av_freep(&ctx->buffer);
  avio_context_free(&ctx);
}

Expected<FdAvioPtr> open_fd_avio(int fd) {
  auto* buffer = static_cast<unsigned char*>(av_malloc(k_buffer_bytes));
  if (!buffer) return Error{"out of memory for an output buffer"};
  AVIOContext* ctx = avio_alloc_context(buffer, k_buffer_bytes, 1, reinterpret_cast<void*>(intptr_t{fd}),
                                        read_packet, write_packet, seek);
  if (!ctx) {
    av_free(buffer);
    return Error{"out of memory for an output context"};
  }
  return FdAvioPtr(ctx);
}

void attach_fd_avio(AVFormatContext* muxer, AVIOContext* avio) {
  muxer->pb = avio;
  muxer->flags |= AVFMT_FLAG_CUSTOM_IO;
}

Expected<void> flush_fd_avio(AVIOContext* avio, const std::string& path) {
  avio_flush(avio);
  if (avio->error < 0) return Error{path + ": cannot write: " + av_error_text(avio->error)};
  return {};
}

}  // namespace chunkreel
