// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The soundtrack, mixed and encoded on its own thread while the workers
// render. Destroying the task cancels it and waits for the thread.

#include <atomic>
#include <string>
#include <thread>

#include "orchestrator/audio/audio_mixer.h"

namespace chunkreel {

class AudioTask {
 public:
  /// Starts encoding `timeline`'s tracks (of `track_lengths` seconds) and
  /// the clips' `voices` into `path`; does nothing when the show has nothing
  /// to hear. `timeline` must outlive the task.
  AudioTask(const Timeline& timeline, std::vector<double> track_lengths, std::vector<ClipVoice> voices,
            double duration_s, std::string path);
  ~AudioTask();
  AudioTask(const AudioTask&) = delete;
  AudioTask& operator=(const AudioTask&) = delete;

  /// Waits for the audio; returns its path, or "" when the show has none.
  /// When `interrupted` is set meanwhile, the encoding is cancelled (its
  /// temporary removed) within a block of samples, and an error returned.
  Expected<std::string> wait(const std::atomic<bool>& interrupted);
  /// The encoding thread's own wall time.
  double wall_s() const { return m_result ? m_result.value().wall_s : 0; }
  /// What the loudness stage found and did (after wait()); none when the
  /// show leaves its mix as it is or has no sound.
  std::optional<LoudnessLevels> loudness() const {
    return m_result ? m_result.value().loudness : std::nullopt;
  }

 private:
  std::string m_path;
  std::vector<double> m_track_lengths;
  std::vector<ClipVoice> m_voices;
  std::atomic<bool> m_cancel{false};
  Expected<AudioResult> m_result{AudioResult{}};
  std::atomic<bool> m_done{false};
  std::thread m_thread;
};

}  // namespace chunkreel
