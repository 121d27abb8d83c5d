// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/chunk_writer.h"

namespace chunkreel {

Expected<std::unique_ptr<ChunkWriter>> ChunkWriter::open(const std::string& path, const std::string& temporary_path,
                                                         const AVCodecContext* encoder) {
  auto writer = std::unique_ptr<ChunkWriter>(new ChunkWriter);
  auto file = AtomicFile::create(path, temporary_path);
  if (!file) return Error{"cannot create the chunk: " + file.error().message};
  writer->m_file.emplace(std::move(file.value()));
  const std::string& temporary = writer->m_file->temporary_path();
  writer->m_encoder_time_base = encoder->time_base;
  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", temporary.c_str());
  if (rc < 0 || !raw) return Error{"cannot create an MP4 muxer: " + av_error_text(rc)};
  writer->m_output.reset(raw);
  AVStream* stream = avformat_new_stream(raw, nullptr);
  if (!stream) return Error{"cannot add a stream to " + temporary};
  rc = avcodec_parameters_from_context(stream->codecpar, encoder);
  if (rc < 0) return Error{"cannot copy encoder parameters: " + av_error_text(rc)};
  stream->time_base = encoder->time_base;
  stream->avg_frame_rate = encoder->framerate;
  auto avio = open_fd_avio(writer->m_file->fd());
  if (!avio) return avio.error();
  writer->m_avio = std::move(avio.value());
  attach_fd_avio(raw, writer->m_avio.get());
  rc = avformat_write_header(raw, nullptr);
  if (rc < 0) return Error{temporary + ": cannot write: " + av_error_text(rc)};
  return writer;
}

// The muxer closes before the AtomicFile removes an uncommitted temporary.
ChunkWriter::~ChunkWriter() { m_output.reset(); }

Expected<void> ChunkWriter::write(AVPacket* packet) {
  AVStream* stream = m_output->streams[0];
  av_packet_rescale_ts(packet, m_encoder_time_base, stream->time_base);
  packet->stream_index = 0;
  int rc = av_write_frame(m_output.get(), packet);
  if (rc < 0) return Error{m_file->temporary_path() + ": cannot write: " + av_error_text(rc)};
  return {};
}

Expected<void> ChunkWriter::commit() {
  const std::string& temporary = m_file->temporary_path();
  int rc = av_write_trailer(m_output.get());
  if (rc < 0) return Error{temporary + ": cannot finish: " + av_error_text(rc)};
  Expected<void> flushed = flush_fd_avio(m_avio.get(), temporary);
  if (!flushed) return flushed;
  m_output.reset();
  return m_file->commit(Replace::k_allowed);
}

}  // namespace chunkreel
