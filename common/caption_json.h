// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Captions as JSON: the timeline's "caption" field, and the laid-out form a
// chunk job carries. Read and written in one place for both.

#include <nlohmann/json.hpp>
#include <string>

#include "common/caption.h"
#include "common/json_fields.h"

namespace chunkreel {

enum class TextRequired { k_yes, k_no };

/// Reads a "caption" value at `path`: a string (the text, every other field
/// from `fallback`) or an object whose missing fields keep `fallback`'s.
/// Throws FieldError naming the field. `defaults.caption` is read with
/// TextRequired::k_no; a slide's caption must end up with non-blank text.
Caption read_caption(const nlohmann::json& value, const std::string& path,
                     const Caption& fallback, TextRequired text_required);

nlohmann::json caption_to_json(const Caption& caption);

nlohmann::json laid_out_caption_to_json(const LaidOutCaption& caption);
LaidOutCaption read_laid_out_caption(FieldReader reader);

}  // namespace chunkreel
