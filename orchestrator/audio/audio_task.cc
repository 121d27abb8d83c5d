#include "orchestrator/audio/audio_task.h"

namespace chunkreel {

AudioTask::AudioTask(const Timeline& timeline, double duration_s, std::string path)
    : m_path(std::move(path)) {
  if (timeline.audio.empty()) return;
  m_thread = std::thread([this, &timeline, duration_s] {
    m_result = mix_and_encode_audio(timeline, duration_s, m_path, m_cancel);
  });
}

AudioTask::~AudioTask() {
  m_cancel.store(true);
  if (m_thread.joinable()) m_thread.join();
}

Expected<std::string> AudioTask::wait() {
  if (!m_thread.joinable()) return std::string();
  m_thread.join();
  if (!m_result) return m_result.error();
  return m_path;
}

}  // namespace chunkreel
