#pragma once
// The command line: `chunkreel render PROJECT.json -o OUT.mp4 [options]`.

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "orchestrator/folder_show.h"

namespace chunkreel {

struct RenderOptions {
  std::string project;          ///< a project file, or a folder of photos
  std::string output;
  int workers = 0;              ///< 0: automatic
  int threads_per_worker = 0;   ///< 0: automatic
  double chunk_seconds = 0;     ///< 0: automatic
  std::string report;           ///< JSON report path, or empty
  std::string work_dir;         ///< empty: OUTPUT.parts beside the output
  bool keep_chunks = false;
  bool resume = false;          ///< reuse finished chunks whose content key matches
  int retries = 2;
  double stall_timeout_s = 120;  ///< kill a worker silent this long
  bool quiet = false;
  int64_t max_pixels = 100'000'000;
  int64_t memory_budget = 0;    ///< 0: none given (stay inside available memory)
  std::string config;           ///< --config FILE, already applied
  bool json = false;            ///< plan: print JSON
  bool nice = false;            ///< workers at nice 10, idle I/O
  std::string content_key;      ///< batch: recorded in the report
  FolderOptions folder;         ///< for a show made from a folder
};

enum class CommandKind { k_render, k_plan, k_init, k_batch, k_help, k_version };

struct Command {
  CommandKind kind = CommandKind::k_help;
  RenderOptions render;
  std::vector<std::string> projects;  ///< batch
  std::string out_dir;                ///< batch
};

/// Parses argv (without the program name). Errors describe the bad argument.
/// A --config file fills in whatever the flags leave automatic.
Expected<Command> parse_command_line(const std::vector<std::string>& args);

const char* usage_text();

}  // namespace chunkreel
