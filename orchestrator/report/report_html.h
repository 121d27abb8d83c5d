// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The report as a self-contained HTML page (no scripts, nothing loaded from
// the network): an SVG timeline with one lane per worker slot and one bar per
// chunk attempt, the memory curve with the budget line, the phases, the
// summary figures and the warnings. Built from the JSON report alone, so the
// page and the file always agree.

#include <string>

#include <nlohmann/json.hpp>

namespace chunkreel {

std::string report_html(const nlohmann::json& report);

}  // namespace chunkreel
