// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The report as a self-contained HTML page (no scripts, nothing loaded from
// the network): an SVG timeline with one lane per worker slot and one bar per
// chunk attempt, the memory curve with the budget line, the phases, the
// summary figures, the warnings, and each photo's framing. Built from the
// JSON report, so the page and the file always agree, and the photos'
// thumbnails, which the JSON leaves out.

#include <string>
#include <map>

#include <nlohmann/json.hpp>

namespace chunkreel {

/// `thumbnails`: a small JPEG of each photo, by its path, as
/// Project::thumbnails holds them.
std::string report_html(const nlohmann::json& report, const std::map<std::string, std::string>& thumbnails = {});

}  // namespace chunkreel
