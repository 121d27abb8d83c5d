// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/audio_source.h"

#include <algorithm>
#include <filesystem>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace chunkreel {

Expected<std::unique_ptr<AudioSource>> AudioSource::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": no such file"};
  if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a folder"};
  auto source = std::unique_ptr<AudioSource>(new AudioSource);
  source->m_path = path;
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{path + ": cannot open: " + av_error_text(rc)};
  source->m_input.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return Error{path + ": cannot read: " + av_error_text(rc)};
  const AVCodec* codec = nullptr;
  source->m_stream = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (source->m_stream < 0 || !codec) return Error{path + ": holds no decodable audio"};
  AVStream* stream = raw->streams[source->m_stream];
  source->m_decoder.reset(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(source->m_decoder.get(), stream->codecpar);
  rc = avcodec_open2(source->m_decoder.get(), codec, nullptr);
  if (rc < 0) return Error{path + ": cannot decode: " + av_error_text(rc)};
  if (raw->duration > 0) source->m_duration_s = raw->duration / double(AV_TIME_BASE);

  AVChannelLayout in_layout;
  if (source->m_decoder->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default(&in_layout, source->m_decoder->ch_layout.nb_channels);
  else
    av_channel_layout_copy(&in_layout, &source->m_decoder->ch_layout);
  AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  SwrContext* swr = nullptr;
  rc = swr_alloc_set_opts2(&swr, &stereo, AV_SAMPLE_FMT_FLT, k_audio_rate, &in_layout,
                           source->m_decoder->sample_fmt, source->m_decoder->sample_rate, 0,
                           nullptr);
  av_channel_layout_uninit(&in_layout);
  source->m_resampler.reset(swr);
  if (rc < 0 || swr_init(swr) < 0) return Error{path + ": cannot resample its audio"};
  source->m_frame = make_frame();
  source->m_packet = make_packet();
  return source;
}

Expected<void> AudioSource::decode_more() {
  for (;;) {
    int rc = avcodec_receive_frame(m_decoder.get(), m_frame.get());
    if (rc == 0) {
      const int capacity = swr_get_out_samples(m_resampler.get(), m_frame->nb_samples);
      std::vector<float> out(static_cast<size_t>(std::max(capacity, 0)) * 2);
      uint8_t* planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
      int got = swr_convert(m_resampler.get(), planes, capacity,
                            const_cast<const uint8_t**>(m_frame->extended_data),
                            m_frame->nb_samples);
      av_frame_unref(m_frame.get());
      if (got < 0) return Error{m_path + ": resampling failed"};
      m_pending.insert(m_pending.end(), out.begin(), out.begin() + got * 2);
      return {};
    }
    if (rc == AVERROR_EOF) {
      // Drain what the resampler still holds.
      const int capacity = swr_get_out_samples(m_resampler.get(), 0);
      if (capacity > 0) {
        std::vector<float> out(static_cast<size_t>(capacity) * 2);
        uint8_t* planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
        int got = swr_convert(m_resampler.get(), planes, capacity, nullptr, 0);
        if (got > 0) m_pending.insert(m_pending.end(), out.begin(), out.begin() + got * 2);
      }
      m_decoder_done = true;
      return {};
    }
    if (rc != AVERROR(EAGAIN)) return Error{m_path + ": corrupt audio: " + av_error_text(rc)};
    if (m_input_done) {
      avcodec_send_packet(m_decoder.get(), nullptr);
      continue;
    }
    rc = av_read_frame(m_input.get(), m_packet.get());
    if (rc < 0) {
      m_input_done = true;
      continue;
    }
    if (m_packet->stream_index == m_stream) {
      rc = avcodec_send_packet(m_decoder.get(), m_packet.get());
      // A damaged packet in the middle of a long track is skipped, as players do.
      (void)rc;
    }
    av_packet_unref(m_packet.get());
  }
}

Expected<int> AudioSource::read(float* out, int frames) {
  int done = 0;
  while (done < frames) {
    if (m_pending_pos >= m_pending.size()) {
      m_pending.clear();
      m_pending_pos = 0;
      if (m_decoder_done) break;
      Expected<void> more = decode_more();
      if (!more) return more.error();
      continue;
    }
    const size_t available = (m_pending.size() - m_pending_pos) / 2;
    const size_t take = std::min<size_t>(available, static_cast<size_t>(frames - done));
    std::copy_n(m_pending.begin() + static_cast<ptrdiff_t>(m_pending_pos), take * 2,
                out + static_cast<size_t>(done) * 2);
    m_pending_pos += take * 2;
    done += static_cast<int>(take);
  }
  return done;
}

Expected<void> allocate_stereo_frame(AVFrame* frame, int samples, AVSampleFormat format) {
  frame->nb_samples = samples;
  frame->format = format;
  frame->sample_rate = k_audio_rate;
  AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  av_channel_layout_copy(&frame->ch_layout, &stereo);
  if (av_frame_get_buffer(frame, 0) < 0) return Error{"out of memory for audio"};
  return {};
}

Expected<void> check_audio_file(const std::string& path) {
  auto source = AudioSource::open(path);
  if (!source) return source.error();
  float block[2 * 1024];
  auto got = source.value()->read(block, 1024);
  if (!got) return got.error();
  if (got.value() == 0) return Error{path + ": holds no audio samples"};
  return {};
}

}  // namespace chunkreel
