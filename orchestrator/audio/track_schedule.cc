// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/audio/track_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace chunkreel {
namespace {

// The tracks of one playlist: [first, last], indices into the track list.
struct Playlist {
  size_t first = 0, last = 0;
};

std::vector<Playlist> playlists(const std::vector<AudioTrack>& tracks) {
  std::vector<Playlist> lists;
  for (size_t i = 0; i < tracks.size(); ++i) {
    if (tracks[i].after_previous && !lists.empty()) lists.back().last = i;
    else lists.push_back({i, i});
  }
  return lists;
}

// The overlap of track i with the one before it in its list.
double crossfade_into(const AudioTrack& track) { return track.crossfade.value_or(k_default_crossfade); }

// The overlap where a looping list starts again (none when it does not loop).
double wrap_crossfade(const std::vector<AudioTrack>& tracks, const Playlist& list) {
  const AudioTrack& first = tracks[list.first];
  if (!first.loop) return 0;
  return first.crossfade.value_or(list.last > list.first ? k_default_crossfade : 0.0);
}

std::string field(size_t i, const char* key) { return fmt::format("audio[{}].{}", i, key); }

}  // namespace

Expected<void> check_crossfades(const std::vector<AudioTrack>& tracks, const std::vector<double>& lengths,
                                const std::string& name) {
  for (const Playlist& list : playlists(tracks)) {
    const double wrap = wrap_crossfade(tracks, list);
    // The overlap before each track of the list, and the track it joins.
    for (size_t i = list.first; i <= list.last; ++i) {
      const bool wraps = i == list.first;
      const double in = wraps ? wrap : crossfade_into(tracks[i]);
      if (in == 0) continue;
      const size_t before = wraps ? list.last : i - 1;
      const char* where = wraps ? " (where the looping list starts again)" : "";
      for (size_t joined : {before, i})
        if (in >= lengths[joined])
          return Error{fmt::format("{}: {}{}: {:g} s is not shorter than audio[{}] ({:.3f} s long)", name,
                                   field(i, "crossfade"), where, in, joined, lengths[joined])};
    }
    // Each round of a looping list lasts at least this long, so an hour's
    // show holds a bounded number of plays.
    constexpr double k_min_round = 0.1;
    double round = 0;
    for (size_t i = list.first; i <= list.last; ++i)
      round += lengths[i] - (i == list.first ? wrap : crossfade_into(tracks[i]));
    if (tracks[list.first].loop && round < k_min_round)
      return Error{fmt::format("{}: {}: the music lasts {:.3f} s a round, too short to loop", name,
                               field(list.first, "loop"), round)};
    for (size_t i = list.first; i <= list.last; ++i) {
      const double in = i == list.first ? wrap : crossfade_into(tracks[i]);
      const size_t next = i == list.last ? list.first : i + 1;
      const double out = i == list.last ? wrap : crossfade_into(tracks[next]);
      if (list.first == list.last && !tracks[i].loop) continue;
      if (in + out > lengths[i])
        return Error{fmt::format("{}: {}: the crossfades into and out of audio[{}] ({:g} s + {:g} s) are longer "
                                 "than the track ({:.3f} s)",
                                 name, field(next, "crossfade"), i, in, out, lengths[i])};
    }
  }
  return {};
}

std::vector<TrackPlay> schedule_tracks(const std::vector<AudioTrack>& tracks, const std::vector<double>& lengths,
                                       double until) {
  std::vector<TrackPlay> plays;
  for (const Playlist& list : playlists(tracks)) {
    const AudioTrack& first = tracks[list.first];
    const double wrap = wrap_crossfade(tracks, list);
    double at = first.start;
    for (bool first_round = true; at < until; first_round = false) {
      for (size_t i = list.first; i <= list.last && at < until; ++i) {
        TrackPlay play;
        play.track = static_cast<int>(i);
        play.start = at;
        play.end = at + lengths[i];
        const bool opens = i == list.first && first_round;
        play.fade_in = opens ? first.fade_in : 0;
        play.crossfade_in = opens ? 0 : (i == list.first ? wrap : crossfade_into(tracks[i]));
        const bool closes = i == list.last && !first.loop;
        play.crossfade_out = closes ? 0 : (i == list.last ? wrap : crossfade_into(tracks[i + 1]));
        play.fade_out = closes ? tracks[i].fade_out : 0;
        play.fade_at_show_end = tracks[i].fade_out;
        plays.push_back(play);
        at = play.end - play.crossfade_out;
      }
      if (!first.loop) break;
    }
  }
  std::stable_sort(plays.begin(), plays.end(),
                   [](const TrackPlay& a, const TrackPlay& b) { return a.start < b.start; });
  return plays;
}

double play_gain(const TrackPlay& play, double t, double show_end) {
  const double stop = std::min(play.end, show_end);
  if (t < play.start || t >= stop) return 0;
  constexpr double quarter_turn = std::numbers::pi / 2;
  double gain = 1;
  const double since_start = t - play.start;
  if (play.fade_in > 0 && since_start < play.fade_in) gain *= since_start / play.fade_in;
  if (play.crossfade_in > 0 && since_start < play.crossfade_in)
    gain *= std::sin(quarter_turn * since_start / play.crossfade_in);
  const double until_end = play.end - t;
  if (play.crossfade_out > 0 && until_end < play.crossfade_out)
    gain *= std::sin(quarter_turn * until_end / play.crossfade_out);
  const double fade = show_end <= play.end ? play.fade_at_show_end : play.fade_out;
  if (fade > 0 && stop - t < fade) gain *= (stop - t) / fade;
  return gain;
}

}  // namespace chunkreel
