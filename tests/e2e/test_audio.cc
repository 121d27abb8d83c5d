// SPDX-License-Identifier: GPL-2.0-or-later
// The soundtrack, measured in the decoded PCM of the AAC chunkreel writes:
// where a track starts, its volume, its fades, and a loop seam with no gap.

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>

#include "orchestrator/audio/audio_mixer.h"
#include "orchestrator/audio/track_analysis.h"
#include "tests/test_support.h"

using namespace chunkreel;

namespace {

constexpr int k_rate = 48000;

// Left-channel samples of `file`, decoded by ffmpeg to 48 kHz float.
std::vector<float> decode_left(const std::string& file, const std::string& scratch) {
  auto r = test::run("ffmpeg -v error -y -i " + test::quote(file) + " -ac 2 -ar 48000 -f f32le " +
                     test::quote(scratch));
  REQUIRE(r.exit_code == 0);
  const std::string bytes = test::read_text(scratch);
  std::vector<float> left(bytes.size() / 8);
  for (size_t i = 0; i < left.size(); ++i) std::memcpy(&left[i], bytes.data() + 8 * i, 4);
  return left;
}

// RMS of the samples in [from_s, to_s).
double rms(const std::vector<float>& pcm, double from_s, double to_s) {
  const size_t a = static_cast<size_t>(from_s * k_rate);
  const size_t b = std::min(pcm.size(), static_cast<size_t>(to_s * k_rate));
  REQUIRE(a < b);
  double sum = 0;
  for (size_t i = a; i < b; ++i) sum += double(pcm[i]) * pcm[i];
  return std::sqrt(sum / double(b - a));
}

// One second of a 440 Hz tone at amplitude 0.5 (RMS 0.354), as a WAV.
std::string make_tone(const test::TempDir& dir) {
  const std::string path = dir / "tone.wav";
  REQUIRE(test::run("ffmpeg -v error -f lavfi -i \"aevalsrc=0.5*sin(2*PI*440*t)|0.5*sin(2*PI*440*t):s=48000:d=1\" " +
                    test::quote(path))
              .exit_code == 0);
  return path;
}

// `track` mixed alone over `seconds`, encoded, and decoded again.
std::vector<float> mixed(const test::TempDir& dir, const AudioTrack& track, double seconds) {
  Timeline timeline;
  timeline.audio.push_back(track);
  timeline.audio_mix.loudness.reset();  // levels as placed, not brought to a loudness
  std::atomic<bool> cancel{false};
  auto analysis = analyse_track(track.file, false, cancel);
  REQUIRE(analysis.ok());
  REQUIRE(mix_and_encode_audio(timeline, {analysis.value().length}, {}, seconds, dir / "mix.m4a", cancel).ok());
  return decode_left(dir / "mix.m4a", dir / "mix.f32");
}

}  // namespace

TEST_CASE("a track is placed, scaled, faded and looped as the timeline says") {
  test::TempDir dir;
  AudioTrack track;
  track.file = make_tone(dir);
  track.start = 1.0;
  track.volume = 0.5;
  track.fade_in = 0.5;
  track.fade_out = 0.5;
  track.loop = true;
  const std::vector<float> pcm = mixed(dir, track, 4.0);
  CHECK(pcm.size() / double(k_rate) == Approx(4.0).margin(0.03));  // cut at the video's end

  const double full = 0.5 * 0.5 / std::sqrt(2.0);  // volume 0.5 of amplitude 0.5
  // Silence until the track's start, then sound within one AAC frame of it.
  CHECK(rms(pcm, 0.1, 0.95) < 0.002);
  double onset = 0;
  for (double t = 0.9; t < 1.2 && onset == 0; t += 0.005)
    if (rms(pcm, t, t + 0.005) > 0.01) onset = t;
  CHECK(onset == Approx(1.0).margin(0.03));
  // Fade-in: half way up at 1.25 s, full level from 1.5 s.
  CHECK(rms(pcm, 1.24, 1.26) == Approx(full / 2).epsilon(0.15));
  CHECK(rms(pcm, 1.6, 1.9) == Approx(full).epsilon(0.05));
  // The loop seams at 2 s and 3 s have no gap and no jump: every 10 ms
  // window across the steady part is at full level.
  for (double t = 1.6; t < 3.4; t += 0.01) {
    INFO("t = " << t);
    CHECK(rms(pcm, t, t + 0.01) == Approx(full).epsilon(0.08));
  }
  // Fade-out towards the show's end: half way down at 3.75 s.
  CHECK(rms(pcm, 3.74, 3.76) == Approx(full / 2).epsilon(0.15));
  CHECK(rms(pcm, 3.96, 3.99) < 0.2 * full);
}

TEST_CASE("a track that does not loop stops at its own end") {
  test::TempDir dir;
  AudioTrack track;
  track.file = make_tone(dir);
  track.start = 0.5;
  const std::vector<float> pcm = mixed(dir, track, 3.0);
  CHECK(rms(pcm, 0.7, 1.4) == Approx(0.5 / std::sqrt(2.0)).epsilon(0.05));  // volume 1
  CHECK(rms(pcm, 1.6, 2.9) < 0.002);  // silent after 0.5 + 1 s
}
