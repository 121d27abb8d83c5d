// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The clips' sound of a checked show, placed on its timeline: one voice per
// clip that has sound and is not muted.

#include <vector>

#include "orchestrator/audio/clip_voice.h"
#include "orchestrator/project/project_check.h"

namespace chunkreel {

std::vector<ClipVoice> clip_voices(const Project& project);

}  // namespace chunkreel
