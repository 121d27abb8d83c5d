// SPDX-License-Identifier: GPL-2.0-or-later
// Where music tracks play: a track alone (placed, looped), a playlist
// (after the previous track, crossfaded, looped as a whole), the gains of
// its crossfades, and the crossfades refused before any work.

#include <catch2/catch.hpp>

#include <cmath>

#include "orchestrator/audio/track_schedule.h"

using namespace chunkreel;

namespace {

AudioTrack track(const std::string& file, bool after = false) {
  AudioTrack t;
  t.file = file;
  t.after_previous = after;
  return t;
}

}  // namespace

TEST_CASE("a track alone plays once from its start, or back to back when it loops") {
  AudioTrack once = track("a");
  once.start = 1.5;
  once.fade_out = 0.5;
  auto plays = schedule_tracks({once}, {3.0}, 20);
  REQUIRE(plays.size() == 1);
  CHECK(plays[0].start == 1.5);
  CHECK(plays[0].end == 4.5);
  CHECK(plays[0].fade_out == 0.5);

  AudioTrack looped = track("a");
  looped.loop = true;
  looped.fade_in = 1;
  plays = schedule_tracks({looped}, {3.0}, 10);
  REQUIRE(plays.size() == 4);  // 0, 3, 6, 9
  CHECK(plays[3].start == 9);
  CHECK(plays[0].fade_in == 1);
  CHECK(plays[1].fade_in == 0);
  for (const TrackPlay& p : plays) CHECK(p.crossfade_in == 0);
}

TEST_CASE("a playlist plays its tracks in order, overlapped by their crossfades, and loops as a whole") {
  std::vector<AudioTrack> list = {track("a"), track("b", true), track("c", true)};
  list[0].loop = true;
  list[2].crossfade = 1.0;
  list[2].fade_out = 1.0;
  const std::vector<double> lengths = {5, 4, 6};
  REQUIRE(check_crossfades(list, lengths, "show.json").ok());
  const auto plays = schedule_tracks(list, lengths, 20);
  // a [0, 5), b [3, 7) (2 s default), c [6, 12) (1 s), a again [10, 15)
  // (the list's 2 s), b [13, 17), c [16, 22).
  const std::vector<std::pair<int, double>> expected = {{0, 0}, {1, 3}, {2, 6}, {0, 10}, {1, 13}, {2, 16}};
  REQUIRE(plays.size() == expected.size());
  for (size_t i = 0; i < plays.size(); ++i) {
    CHECK(plays[i].track == expected[i].first);
    CHECK(plays[i].start == Approx(expected[i].second));
    CHECK(plays[i].end == Approx(expected[i].second + lengths[plays[i].track]));
  }
  // Every overlap is one play's crossfade out and the next one's in.
  for (size_t i = 0; i + 1 < plays.size(); ++i) {
    CHECK(plays[i].crossfade_out == Approx(plays[i].end - plays[i + 1].start));
    CHECK(plays[i + 1].crossfade_in == plays[i].crossfade_out);
  }
  // Where the show ends during a play, it fades over the track's fade.
  CHECK(plays.back().fade_at_show_end == 1.0);
  CHECK(plays.back().fade_out == 0);  // its own end is a crossfade
}

TEST_CASE("a playlist that does not loop ends with its last track") {
  std::vector<AudioTrack> list = {track("a"), track("b", true)};
  list[0].start = 2;
  list[1].fade_out = 1.5;
  const auto plays = schedule_tracks(list, {5, 4}, 60);
  REQUIRE(plays.size() == 2);
  CHECK(plays[1].start == 5);
  CHECK(plays[1].crossfade_out == 0);
  CHECK(plays[1].fade_out == 1.5);
}

TEST_CASE("an equal-power crossfade keeps the summed power steady") {
  std::vector<AudioTrack> list = {track("a"), track("b", true)};
  list[1].fade_out = 2;
  const auto plays = schedule_tracks(list, {5, 4}, 60);
  for (double t = 3.0; t < 5.0; t += 0.01) {
    const double out = play_gain(plays[0], t, 60), in = play_gain(plays[1], t, 60);
    CHECK(out * out + in * in == Approx(1.0).margin(1e-9));
  }
  CHECK(play_gain(plays[0], 2.9, 60) == 1.0);
  CHECK(play_gain(plays[0], 5.0, 60) == 0.0);
  // Cut by the show's end: faded out over the track's fade before it.
  CHECK(play_gain(plays[1], 5.5, 6.0) == Approx(0.25));
  CHECK(play_gain(plays[1], 5.0, 60) == 1.0);   // after its crossfade, before its own fade
  CHECK(play_gain(plays[1], 5.5, 60) == 0.75);  // its fade before its own end
}

TEST_CASE("crossfades the tracks cannot hold are refused, naming the field") {
  std::vector<AudioTrack> list = {track("a"), track("b", true)};
  list[1].crossfade = 3;
  auto refused = check_crossfades(list, {2.5, 10}, "show.json");
  REQUIRE(!refused.ok());
  CHECK(refused.error().message.find("audio[1].crossfade") != std::string::npos);
  CHECK(refused.error().message.find("audio[0]") != std::string::npos);

  // Into and out of the middle track, together longer than it.
  list = {track("a"), track("b", true), track("c", true)};
  list[1].crossfade = 2;
  list[2].crossfade = 2;
  refused = check_crossfades(list, {10, 3, 10}, "show.json");
  REQUIRE(!refused.ok());
  CHECK(refused.error().message.find("audio[2].crossfade") != std::string::npos);
  CHECK(check_crossfades(list, {10, 4, 10}, "show.json").ok());

  // A list looped so tightly that it could not be played out.
  AudioTrack tiny = track("a");
  tiny.loop = true;
  refused = check_crossfades({tiny}, {0.01}, "show.json");
  REQUIRE(!refused.ok());
  CHECK(refused.error().message.find("audio[0].loop") != std::string::npos);
}
