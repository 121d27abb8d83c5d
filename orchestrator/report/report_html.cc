// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/report/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/base64.h"
#include "common/units.h"

namespace chunkreel {
namespace {

using nlohmann::json;

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

double number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

constexpr int k_width = 960;
constexpr int k_left = 110;   // room for lane labels
constexpr int k_lane = 26;

// The lane of each attempt: its worker slot, or on a farm its node (one
// lane per node; tasks that ran side by side on a node overlap, half
// transparent). Returns the lanes' labels.
std::vector<std::string> lane_labels(const json& report, std::map<std::string, int>* node_lane) {
  std::vector<std::string> labels;
  int slots = 1;
  for (const json& c : report["chunks"])
    for (const json& a : c.value("attempt_log", json::array())) {
      slots = std::max(slots, a.value("slot", 0) + 1);
      if (!a.contains("node")) continue;
      const std::string node = a["node"].get<std::string>();
      if (node_lane->emplace(node, static_cast<int>(labels.size())).second) labels.push_back(node);
    }
  if (!labels.empty()) return labels;
  for (int s = 0; s < slots; ++s) labels.push_back(fmt::format("worker {}", s + 1));
  return labels;
}

int lane_of(const json& attempt, const std::map<std::string, int>& node_lane) {
  if (node_lane.empty()) return attempt.value("slot", 0);
  const auto found = node_lane.find(attempt.value("node", ""));
  return found == node_lane.end() ? 0 : found->second;
}

// The timeline: one lane per worker slot (or farm node), the serial phases
// on a lane of their own.
std::string gantt_svg(const json& report) {
  const json& phases = report["phases"];
  const double total = std::max(number(phases, "total_s"), 1e-3);
  const double render_start = number(phases, "validate_s") + number(phases, "plan_s");
  std::map<std::string, int> node_lane;
  const std::vector<std::string> labels = lane_labels(report, &node_lane);
  const int slots = static_cast<int>(labels.size());
  int reused = 0;
  for (const json& c : report["chunks"]) reused += c.value("reused", false) ? 1 : 0;
  const int lanes = slots + (reused > 0 ? 1 : 0);  // worker lanes, then one for reused chunks
  const double scale = (k_width - k_left - 10) / total;
  const int height = (lanes + 2) * k_lane + 30;
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' "
      "font-size='11'>\n",
      k_width, height);
  auto x_of = [&](double t) { return k_left + t * scale; };
  // Serial phases lane.
  struct Phase { const char* name; double start, length; const char* colour; };
  const double audio_wait = number(phases, "audio_s");
  const double concat = number(phases, "concat_s");
  const double render = number(phases, "render_s");
  const Phase serial[] = {
      {"validate+plan", 0, render_start, "#888"},
      {"audio wait", render_start + render, audio_wait, "#b58900"},
      {"join", render_start + render + audio_wait, concat, "#6c71c4"},
  };
  svg += fmt::format("<text x='4' y='{}'>serial</text>\n", k_lane - 8);
  for (const Phase& p : serial) {
    if (p.length <= 0) continue;
    svg += fmt::format(
        "<rect x='{:.1f}' y='4' width='{:.1f}' height='{}' fill='{}'><title>{} {:.2f} s</title></rect>\n",
        x_of(p.start), std::max(1.0, p.length * scale), k_lane - 8, p.colour, p.name, p.length);
  }
  for (int s = 0; s < slots; ++s)
    svg += fmt::format("<text x='4' y='{}'>{}</text>\n", (s + 2) * k_lane - 8, escape(labels[s]));
  for (const json& c : report["chunks"]) {
    for (const json& a : c.value("attempt_log", json::array())) {
      const int lane = lane_of(a, node_lane) + 1;
      const bool ok = a.value("ok", false);
      const char* colour = !ok ? "#dc322f" : c.value("attempts", 1) > 1 ? "#cb4b16" : "#268bd2";
      const double start = render_start + a.value("start_s", 0.0);
      const double end = render_start + a.value("end_s", 0.0);
      svg += fmt::format(
          "<rect x='{:.1f}' y='{}' width='{:.1f}' height='{}' fill='{}' stroke='#fff'{}>"
          "<title>chunk {} ({} frames) attempt {}: {:.2f} s{}</title></rect>\n",
          x_of(start), lane * k_lane + 4, std::max(1.0, (end - start) * scale), k_lane - 8, colour,
          node_lane.empty() ? "" : " fill-opacity='0.6'", c.value("index", 0), c.value("frame_count", 0), a.value("attempt", 1), end - start,
          ok ? "" : " (failed)");
      svg += fmt::format("<text x='{:.1f}' y='{}' fill='#fff'>{}</text>\n", x_of(start) + 3,
                         (lane + 1) * k_lane - 9, c.value("index", 0));
    }
  }
  // Chunks taken whole from an earlier run cost no worker time: each is a
  // small teal box at the start of the render, on a lane of their own.
  if (reused > 0) {
    const int lane = slots + 1;
    svg += fmt::format("<text x='4' y='{}'>reused</text>\n", (lane + 1) * k_lane - 8);
    int i = 0;
    for (const json& c : report["chunks"]) {
      if (!c.value("reused", false)) continue;
      svg += fmt::format(
          "<rect x='{:.1f}' y='{}' width='12' height='{}' fill='#2aa198' stroke='#fff'>"
          "<title>chunk {} ({} frames) reused from an earlier run</title></rect>\n",
          x_of(render_start) + 14 * i++, lane * k_lane + 4, k_lane - 8, c.value("index", 0),
          c.value("frame_count", 0));
    }
  }
  // Time axis.
  const int axis_y = (lanes + 1) * k_lane + 10;
  svg += fmt::format("<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='#333'/>\n", k_left, axis_y,
                     k_width - 10, axis_y);
  const double step = total > 600 ? 120 : total > 120 ? 30 : total > 30 ? 5 : total > 6 ? 1 : 0.5;
  for (double t = 0; t <= total + 1e-9; t += step)
    svg += fmt::format("<text x='{:.1f}' y='{}' text-anchor='middle'>{}</text>\n", x_of(t),
                       axis_y + 14, format_duration(t));
  svg += "</svg>\n";
  return svg;
}

// Memory over time, with the budget as a dashed line.
std::string memory_svg(const json& report) {
  const json& memory = report["memory"];
  const json& curve = memory.value("curve", json::array());
  const double budget = report["plan"]["memory_budget_bytes"].is_number()
                            ? report["plan"]["memory_budget_bytes"].get<double>()
                            : 0.0;
  double t_max = number(report["phases"], "total_s");
  double m_max = std::max(budget, number(memory, "concurrent_peak_rss_bytes"));
  for (const json& p : curve) {
    t_max = std::max(t_max, p[0].get<double>());
    m_max = std::max(m_max, p[1].get<double>());
  }
  t_max = std::max(t_max, 1e-3);
  m_max = std::max(m_max * 1.1, 1.0);
  const int h = 180;
  const double render_start = number(report["phases"], "validate_s") + number(report["phases"], "plan_s");
  auto x_of = [&](double t) { return k_left + (render_start + t) * (k_width - k_left - 10) / t_max; };
  auto y_of = [&](double b) { return 10 + (h - 30) * (1 - b / m_max); };
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' "
      "font-size='11'>\n",
      k_width, h);
  std::string points;
  for (const json& p : curve)
    points += fmt::format("{:.1f},{:.1f} ", x_of(p[0].get<double>()), y_of(p[1].get<double>()));
  svg += fmt::format("<polyline fill='none' stroke='#268bd2' stroke-width='1.5' points='{}'/>\n", points);
  if (budget > 0)
    svg += fmt::format(
        "<line x1='{}' y1='{:.1f}' x2='{}' y2='{:.1f}' stroke='#dc322f' stroke-dasharray='6,4'/>"
        "<text x='{}' y='{:.1f}' fill='#dc322f'>budget {}</text>\n",
        k_left, y_of(budget), k_width - 10, y_of(budget), k_left + 4, y_of(budget) - 4,
        format_bytes(static_cast<int64_t>(budget)));
  for (int i = 0; i <= 4; ++i) {
    const double b = m_max * i / 4;
    svg += fmt::format("<text x='4' y='{:.1f}'>{}</text>\n", y_of(b) + 4,
                       format_bytes(static_cast<int64_t>(b)));
  }
  svg += "</svg>\n";
  return svg;
}

// One figure per photo: its thumbnail (or a plain ground), the faces found
// (yellow), the salient region (cyan, dashed), and the view windows the
// motion starts at (green) and ends at (magenta), all in the photo's pixels.
std::string framing_figures(const json& report, const std::map<std::string, std::string>& thumbnails) {
  std::string html;
  for (const json& slide : report.value("framing", json::array())) {
    if (!slide.contains("size")) continue;
    const double w = slide["size"][0], h = slide["size"][1];
    if (w <= 0 || h <= 0) continue;
    const size_t index = slide.value("index", size_t{0});
    const double shown_w = 200, shown_h = 200 * h / w;
    const double stroke = std::max(w, h) / 100;
    std::string svg = fmt::format("<svg width='{:.0f}' height='{:.0f}' viewBox='0 0 {} {}' "
                                  "xmlns='http://www.w3.org/2000/svg'>",
                                  shown_w, shown_h, w, h);
    const std::string file = slide.value("image", slide.value("video", ""));
    if (auto thumbnail = thumbnails.find(file); thumbnail != thumbnails.end() && !thumbnail->second.empty())
      svg += fmt::format("<image width='{}' height='{}' preserveAspectRatio='none' href='data:image/jpeg;base64,{}'/>",
                         w, h, to_base64(thumbnail->second));
    else
      svg += fmt::format("<rect width='{}' height='{}' fill='#ccc'/>", w, h);
    auto rect = [&](const json& r, const char* colour, const char* dash) {
      svg += fmt::format("<rect x='{:.1f}' y='{:.1f}' width='{:.1f}' height='{:.1f}' fill='none' stroke='{}' "
                         "stroke-width='{:.1f}'{}/>",
                         double(r[0]), double(r[1]), double(r[2]), double(r[3]), colour, stroke, dash);
    };
    for (const json& face : slide["faces"]) rect(face, "#fd0", "");
    if (!slide["salient"].is_null()) rect(slide["salient"], "#0dd", fmt::format(" stroke-dasharray='{:.0f}'", 3 * stroke).c_str());
    rect(slide["from"], "#0a0", "");
    rect(slide["to"], "#d0d", "");
    svg += "</svg>";
    html += fmt::format("<figure>{}<figcaption>{} {}</figcaption></figure>\n", svg, index,
                        escape(file.substr(file.find_last_of('/') + 1)));
  }
  return html;
}

}  // namespace

std::string report_html(const json& report, const std::map<std::string, std::string>& thumbnails) {
  const json& out = report["output"];
  const json& plan = report["plan"];
  const json& par = report["parallel"];
  const json& memory = report["memory"];
  const json& phases = report["phases"];
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>chunkreel report</title>\n"
      "<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
      "td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}"
      "td.n{text-align:right}.warn{color:#b00}figure{display:inline-block;margin:6px;font-size:12px}"
      "</style></head><body>\n";
  html += fmt::format("<h1>chunkreel report</h1>\n<p>{}</p>\n", escape(out.value("path", "")));
  html += "<h2>Summary</h2>\n<table>\n";
  auto row = [&](const std::string& name, const std::string& value) {
    html += fmt::format("<tr><th>{}</th><td class='n'>{}</td></tr>\n", escape(name), escape(value));
  };
  row("frames", std::to_string(out.value("frames", 0)));
  row("duration", format_duration(number(out, "duration_s")));
  row("size", format_bytes(out.value("bytes", int64_t{0})));
  row("wall time", fmt::format("{:.1f} s", number(phases, "total_s")));
  row("workers x threads", fmt::format("{} x {}", plan.value("workers", 0), plan.value("threads_per_worker", 0)));
  row("chunks", std::to_string(plan.value("chunk_count", 0)));
  row("speedup", fmt::format("{:.2f}x", number(par, "speedup")));
  row("efficiency", fmt::format("{:.0f}%", 100 * number(par, "efficiency")));
  row("serial fraction", fmt::format("{:.1f}%", 100 * number(par, "serial_fraction")));
  row("max speedup of this plan", fmt::format("{:.2f}x", number(par, "max_speedup")));
  row("load imbalance (longest / mean chunk)", fmt::format("{:.2f}", number(par, "load_imbalance")));
  row("peak memory, workers together", format_bytes(memory.value("concurrent_peak_rss_bytes", int64_t{0})));
  row("peak memory, largest worker", format_bytes(memory.value("workers_peak_rss_bytes", int64_t{0})));
  row("peak memory, orchestrator", format_bytes(memory.value("orchestrator_peak_rss_bytes", int64_t{0})));
  html += "</table>\n<h2>Warnings</h2>\n";
  if (report["warnings"].empty()) html += "<p>none</p>\n";
  for (const json& w : report["warnings"])
    html += fmt::format("<p class='warn'><b>{}</b>: {}</p>\n", escape(w.value("code", "")),
                        escape(w.value("message", "")));
  html += "<h2>Timeline</h2>\n<p>Blue: a chunk's work; orange: retried; red: a failed attempt; "
          "teal: reused from an earlier run. Grey, ochre and violet on the top lane are the "
          "serial phases.</p>\n";
  html += gantt_svg(report);
  html += "<h2>Memory</h2>\n<p>Resident memory of all workers alive at once, sampled every 100 ms.</p>\n";
  html += memory_svg(report);
  html += "<h2>Phases</h2>\n<table>\n";
  for (const char* key : {"validate_s", "plan_s", "render_s", "audio_s", "concat_s", "total_s"})
    html += fmt::format("<tr><th>{}</th><td class='n'>{:.2f} s</td></tr>\n", key, number(phases, key));
  html += "</table>\n<h2>Chunks</h2>\n<table>\n<tr><th>chunk</th><th>frames</th><th>slides</th>"
          "<th>attempts</th><th>wall</th><th>cpu</th><th>start-up</th><th>peak memory</th></tr>\n";
  for (const json& c : report["chunks"]) {
    std::string slides;
    for (const json& s : c["slides"]) {
      if (!slides.empty()) slides += ' ';
      slides += std::to_string(s.get<int>());
    }
    html += fmt::format(
        "<tr><td>{}</td><td class='n'>{}</td><td>{}</td><td class='n'>{}{}</td><td class='n'>{:.2f} s</td>"
        "<td class='n'>{:.2f} s</td><td class='n'>{:.2f} s</td><td class='n'>{}</td></tr>\n",
        c.value("index", 0), c.value("frame_count", 0), slides, c.value("attempts", 0),
        c.value("reused", false) ? " (reused)" : "", number(c, "wall_s"), number(c, "cpu_s"),
        number(c, "startup_s"), format_bytes(c.value("peak_rss_bytes", int64_t{0})));
  }
  html += "</table>\n<h2>Framing</h2>\n<p>Each photo with the faces found (yellow), the region that stands "
          "out where no face was (cyan, dashed), and the view at the start (green) and end (magenta) of its "
          "slide.</p>\n";
  html += framing_figures(report, thumbnails);
  html += "</body></html>\n";
  return html;
}

}  // namespace chunkreel
