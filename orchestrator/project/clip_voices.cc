// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/project/clip_voices.h"

#include <algorithm>

namespace chunkreel {

std::vector<ClipVoice> clip_voices(const Project& project) {
  std::vector<ClipVoice> voices;
  for (size_t i = 0; i < project.timeline.slides.size(); ++i) {
    const ClipInfo* info = clip_of(project, i);
    const Slide& slide = project.timeline.slides[i];
    if (!info || !info->has_audio || slide.clip->volume <= 0) continue;
    const SlideSpan& span = project.timing.spans[i];
    const double end = clip_end(slide, *info);
    ClipVoice voice;
    voice.file = slide.clip->file;
    voice.in = slide.clip->in;
    voice.speed = slide.clip->speed;
    voice.volume = slide.clip->volume;
    voice.audio_offset = info->audio_offset;
    voice.start = span.start;
    voice.slide_end = span.start + span.duration;
    // The sound stops where the clip does; its last frame may hold longer.
    voice.end = std::min(voice.slide_end, span.start + (end - voice.in) / voice.speed);
    voice.fade_in = span.in_transition;
    voice.fade_out = span.out_transition;
    voices.push_back(voice);
  }
  return voices;
}

}  // namespace chunkreel
