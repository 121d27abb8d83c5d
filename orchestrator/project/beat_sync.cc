// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/beat_sync.h"

#include <algorithm>
#include <cmath>

namespace chunkreel {
namespace {

bool is_photo(const Slide& slide) { return !slide.image.empty() && !slide.clip && !slide.card; }

// The shortest a slide may become: half its duration, its transitions, and
// its caption's times.
double shortest(const Slide& slide, double transitions) {
  double least = std::max(slide.duration / 2, transitions);
  if (slide.caption) {
    const CaptionStyle& style = slide.caption->style;
    if (style.end >= 0) least = std::max(least, style.end);
    least = std::max(least, style.start + 1e-3);
  }
  return least;
}

}  // namespace

std::vector<double> beats_in_show(const std::vector<TrackPlay>& plays, int track, const std::vector<double>& beats) {
  std::vector<double> times;
  for (const TrackPlay& play : plays) {
    if (play.track != track) continue;
    for (double beat : beats)
      if (play.start + beat < play.end) times.push_back(play.start + beat);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

void sync_to_beats(std::vector<Slide>& slides, const std::vector<double>& beats, double tolerance, Rational fps,
                   ShowBeats* result) {
  const double rate = fps.to_double();
  double start = 0;  // of slide i
  double shifts = 0;
  for (size_t i = 0; i + 1 < slides.size(); ++i) {
    Slide& slide = slides[i];
    const double in = i > 0 ? slides[i - 1].transition.duration : 0.0;
    const double out = slide.transition.duration;
    if (is_photo(slide)) {
      ++result->boundaries;
      const double boundary = start + slide.duration - out / 2;
      const double least = shortest(slide, in + out);
      double best_duration = slide.duration, best_distance = tolerance;
      bool found = false;
      auto beat = std::lower_bound(beats.begin(), beats.end(), boundary - tolerance);
      for (; beat != beats.end() && *beat <= boundary + tolerance; ++beat) {
        const double on_frame = (std::round(*beat * rate) - 0.5) / rate;
        const double duration = on_frame - start + out / 2;
        const double distance = std::abs(*beat - boundary);
        if (duration >= least - 1e-9 && distance <= best_distance) {
          best_distance = distance;
          best_duration = duration;
          found = true;
        }
      }
      const double shift = std::abs(best_duration - slide.duration);
      if (found && shift > 1e-9) {
        ++result->moved;
        shifts += shift;
        result->max_shift = std::max(result->max_shift, shift);
        slide.duration = best_duration;
      }
    }
    start += slide.duration - out;
  }
  result->mean_shift = result->moved > 0 ? shifts / result->moved : 0;
}

}  // namespace chunkreel
