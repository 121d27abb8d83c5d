// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One audio file, decoded and resampled to 48 kHz stereo float, read
// sequentially in blocks. Holds only a decoder's worth of memory, however
// long the file.

#include <memory>
#include <string>
#include <vector>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

constexpr int k_audio_rate = 48000;

class AudioSource {
 public:
  static Expected<std::unique_ptr<AudioSource>> open(const std::string& path);

  /// Reads up to `frames` stereo frames, interleaved, into `out`. Returns the
  /// number read; fewer than asked only at the end of the file.
  Expected<int> read(float* out, int frames);

  /// The file's duration in seconds as its container states it, or 0.
  double duration_s() const { return m_duration_s; }

 private:
  Expected<void> decode_more();

  std::string m_path;
  InputFormatPtr m_input;
  CodecContextPtr m_decoder;
  SwrPtr m_resampler;
  FramePtr m_frame;
  PacketPtr m_packet;
  int m_stream = -1;
  bool m_input_done = false;
  bool m_decoder_done = false;
  double m_duration_s = 0;
  std::vector<float> m_pending;  ///< resampled, not yet read (interleaved)
  size_t m_pending_pos = 0;
};

/// Gives an unused `frame` buffers for `samples` 48 kHz stereo samples in
/// `format`.
Expected<void> allocate_stereo_frame(AVFrame* frame, int samples, AVSampleFormat format);

/// Opens `path` and decodes its first samples; errors say why it is unusable.
Expected<void> check_audio_file(const std::string& path);

}  // namespace chunkreel
