// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/worker_messages.h"

#include <nlohmann/json.hpp>

namespace chunkreel {

WorkerMessage parse_worker_line(const std::string& line) {
  WorkerMessage m;
  const nlohmann::json message = nlohmann::json::parse(line, nullptr, false);
  if (!message.is_object()) return m;
  const std::string event = message.value("event", "");
  if (event == "progress") {
    m.kind = WorkerMessage::Kind::k_progress;
    m.frames_done = message.value("frames_done", int64_t{0});
  } else if (event == "node") {
    m.kind = WorkerMessage::Kind::k_node;
    m.node = message.value("node", "");
    m.started_at = message.value("started_at", 0.0);
  } else if (event == "done") {
    m.kind = WorkerMessage::Kind::k_done;
    m.stats.frames = message.value("frames", int64_t{0});
    m.stats.bytes = message.value("bytes", int64_t{0});
    m.stats.wall_s = message.value("wall_s", 0.0);
    m.stats.cpu_s = message.value("cpu_s", 0.0);
    m.stats.kernel_s = message.value("kernel_s", 0.0);
    m.stats.startup_s = message.value("startup_s", 0.0);
    m.stats.peak_rss_bytes = message.value("peak_rss_bytes", int64_t{0});
    m.stats.photos_loaded = message.value("photos_loaded", 0);
    m.stats.pictures_shared = message.value("pictures_shared", 0);
    m.stats.clip_frames_decoded = message.value("clip_frames_decoded", int64_t{0});
    if (auto split = message.find("cpu_split"); split != message.end() && split->is_object()) {
      m.stats.decode_cpu_s = split->value("decode_s", 0.0);
      m.stats.clip_cpu_s = split->value("clip_s", 0.0);
      m.stats.render_cpu_s = split->value("render_s", 0.0);
      m.stats.encode_cpu_s = split->value("encode_s", 0.0);
      m.stats.other_cpu_s = split->value("other_s", 0.0);
    }
  }
  return m;
}

std::string last_lines(const std::string& text, int count) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  for (int lines = 0; lines < count && pos > 0; ++lines) {
    size_t nl = text.rfind('\n', pos - 1);
    pos = nl == std::string::npos ? 0 : nl;
    if (nl == std::string::npos) break;
  }
  std::string tail = text.substr(pos, end - pos);
  if (!tail.empty() && tail[0] == '\n') tail.erase(0, 1);
  return tail;
}

}  // namespace chunkreel
