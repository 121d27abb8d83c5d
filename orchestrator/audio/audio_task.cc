// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/audio_task.h"

#include <chrono>

namespace chunkreel {

AudioTask::AudioTask(const Timeline& timeline, std::vector<double> track_lengths, std::vector<ClipVoice> voices,
                     double duration_s, std::string path)
    : m_path(std::move(path)), m_track_lengths(std::move(track_lengths)), m_voices(std::move(voices)) {
  if (!has_sound(timeline, m_voices)) return;
  m_thread = std::thread([this, &timeline, duration_s] {
    m_result = mix_and_encode_audio(timeline, m_track_lengths, m_voices, duration_s, m_path, m_cancel);
    m_done.store(true);
  });
}

AudioTask::~AudioTask() {
  m_cancel.store(true);
  if (m_thread.joinable()) m_thread.join();
}

Expected<std::string> AudioTask::wait(const std::atomic<bool>& interrupted) {
  if (!m_thread.joinable()) return std::string();
  while (!m_done.load()) {
    if (interrupted.load()) {
      m_cancel.store(true);
      m_thread.join();
      return Error{"interrupted while the soundtrack was encoded"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m_thread.join();
  if (!m_result) return m_result.error();
  return m_path;
}

}  // namespace chunkreel
