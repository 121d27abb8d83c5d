#include "worker/chunk_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/unique_fd.h"

namespace chunkreel {

Expected<std::unique_ptr<ChunkWriter>> ChunkWriter::open(const std::string& path,
                                                         const AVCodecContext* encoder) {
  auto writer = std::unique_ptr<ChunkWriter>(new ChunkWriter);
  writer->m_path = path;
  writer->m_temporary = path + ".tmp";
  writer->m_encoder_time_base = encoder->time_base;
  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", writer->m_temporary.c_str());
  if (rc < 0 || !raw) return Error{"cannot create an MP4 muxer: " + av_error_text(rc)};
  writer->m_output.reset(raw);
  AVStream* stream = avformat_new_stream(raw, nullptr);
  if (!stream) return Error{"cannot add a stream to " + writer->m_temporary};
  rc = avcodec_parameters_from_context(stream->codecpar, encoder);
  if (rc < 0) return Error{"cannot copy encoder parameters: " + av_error_text(rc)};
  stream->time_base = encoder->time_base;
  stream->avg_frame_rate = encoder->framerate;
  rc = avio_open(&raw->pb, writer->m_temporary.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return Error{writer->m_temporary + ": cannot create: " + av_error_text(rc)};
  rc = avformat_write_header(raw, nullptr);
  if (rc < 0) return Error{writer->m_temporary + ": cannot write: " + av_error_text(rc)};
  return writer;
}

ChunkWriter::~ChunkWriter() {
  if (!m_committed) {
    m_output.reset();
    ::unlink(m_temporary.c_str());
  }
}

Expected<void> ChunkWriter::write(AVPacket* packet) {
  AVStream* stream = m_output->streams[0];
  av_packet_rescale_ts(packet, m_encoder_time_base, stream->time_base);
  packet->stream_index = 0;
  int rc = av_write_frame(m_output.get(), packet);
  if (rc < 0) return Error{m_temporary + ": cannot write: " + av_error_text(rc)};
  return {};
}

Expected<void> ChunkWriter::commit() {
  int rc = av_write_trailer(m_output.get());
  if (rc < 0) return Error{m_temporary + ": cannot finish: " + av_error_text(rc)};
  rc = avio_closep(&m_output->pb);
  if (rc < 0) return Error{m_temporary + ": cannot close: " + av_error_text(rc)};
  m_output.reset();
  // The data must be on disk before the rename makes the chunk count as done.
  UniqueFd fd(::open(m_temporary.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) return Error{m_temporary + ": cannot flush to disk"};
  fd.reset();
  Expected<void> renamed = commit_file(m_temporary, m_path);
  if (!renamed) return renamed;
  m_committed = true;
  return {};
}

}  // namespace chunkreel
