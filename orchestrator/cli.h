#pragma once
// The command line: `chunkreel render PROJECT.json -o OUT.mp4 [options]`.

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace chunkreel {

struct RenderOptions {
  std::string project;
  std::string output;
  int workers = 0;              ///< 0: automatic
  int threads_per_worker = 0;   ///< 0: automatic
  double chunk_seconds = 0;     ///< 0: automatic
  std::string report;           ///< JSON report path, or empty
  std::string work_dir;         ///< empty: OUTPUT.parts beside the output
  bool keep_chunks = false;
  int retries = 2;
  bool quiet = false;
  int64_t max_pixels = 100'000'000;
};

enum class CommandKind { k_render, k_help, k_version };

struct Command {
  CommandKind kind = CommandKind::k_help;
  RenderOptions render;
};

/// Parses argv (without the program name). Errors describe the bad argument.
Expected<Command> parse_command_line(const std::vector<std::string>& args);

const char* usage_text();

}  // namespace chunkreel
