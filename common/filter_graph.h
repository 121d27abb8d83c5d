// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A linear libavfilter graph: one source, the filters a description names
// (libavfilter's syntax), one sink. Shared by the worker's video chains and
// the audio stage's tempo change.

#include <string>

#include "common/av_ptr.h"
#include "common/error.h"

namespace chunkreel {

/// Builds and configures `source` ("buffer" or "abuffer", with
/// `source_args`) -> `description` -> `sink` ("buffersink" or
/// "abuffersink") in `graph`, and gives its two ends.
Expected<void> build_linear_graph(AVFilterGraph* graph, const char* source, const std::string& source_args,
                                  const std::string& description, const char* sink, AVFilterContext** in,
                                  AVFilterContext** out);

}  // namespace chunkreel
