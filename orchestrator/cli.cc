#include "orchestrator/cli.h"

#include <cmath>
#include <cstdlib>

namespace chunkreel {
namespace {

bool parse_int(const std::string& text, int64_t low, int64_t high, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || value < low || value > high) return false;
  *out = value;
  return true;
}

bool parse_positive(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(value) || value <= 0) return false;
  *out = value;
  return true;
}

}  // namespace

const char* usage_text() {
  return "usage: chunkreel render PROJECT.json -o OUT.mp4 [options]\n"
         "\n"
         "options:\n"
         "  -o, --output FILE          the MP4 to write (required)\n"
         "  --workers N                most worker processes at once (default: automatic)\n"
         "  --threads-per-worker T     encoder threads in each worker (default: automatic)\n"
         "  --chunk-seconds S          aim for chunks of about S seconds (default: automatic)\n"
         "  --report PATH.json         write a report of the run\n"
         "  --work-dir DIR             where chunks are kept (default: OUT.mp4.parts)\n"
         "  --keep-chunks              keep the work folder after success\n"
         "  --retries N                extra attempts for a failed chunk (default 2)\n"
         "  --max-megapixels M         refuse larger images (default 100)\n"
         "  --quiet                    print nothing but errors\n"
         "\n"
         "exit codes: 0 done, 1 render failed, 2 invalid input, 130 interrupted\n";
}

Expected<Command> parse_command_line(const std::vector<std::string>& args) {
  Command command;
  if (args.empty()) return Error{"no command given\n" + std::string(usage_text())};
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return command;
  if (args[0] == "--version") {
    command.kind = CommandKind::k_version;
    return command;
  }
  if (args[0] != "render") return Error{"unknown command '" + args[0] + "' (try --help)"};
  command.kind = CommandKind::k_render;
  RenderOptions& o = command.render;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) -> bool {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string v;
    int64_t n = 0;
    if (arg == "-h" || arg == "--help") {
      command.kind = CommandKind::k_help;
      return command;
    } else if (arg == "-o" || arg == "--output") {
      if (!value(&o.output)) return Error{arg + " needs a file name"};
    } else if (arg == "--workers") {
      if (!value(&v) || !parse_int(v, 1, 256, &n))
        return Error{"--workers needs a whole number from 1 to 256"};
      o.workers = static_cast<int>(n);
    } else if (arg == "--threads-per-worker") {
      if (!value(&v) || !parse_int(v, 1, 64, &n))
        return Error{"--threads-per-worker needs a whole number from 1 to 64"};
      o.threads_per_worker = static_cast<int>(n);
    } else if (arg == "--chunk-seconds") {
      if (!value(&v) || !parse_positive(v, &o.chunk_seconds))
        return Error{"--chunk-seconds needs a number of seconds above 0"};
    } else if (arg == "--report") {
      if (!value(&o.report)) return Error{"--report needs a file name"};
    } else if (arg == "--work-dir") {
      if (!value(&o.work_dir)) return Error{"--work-dir needs a folder"};
    } else if (arg == "--keep-chunks") {
      o.keep_chunks = true;
    } else if (arg == "--retries") {
      if (!value(&v) || !parse_int(v, 0, 100, &n))
        return Error{"--retries needs a whole number from 0 to 100"};
      o.retries = static_cast<int>(n);
    } else if (arg == "--max-megapixels") {
      double mp = 0;
      if (!value(&v) || !parse_positive(v, &mp)) return Error{"--max-megapixels needs a number"};
      o.max_pixels = static_cast<int64_t>(mp * 1e6);
    } else if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Error{"unknown option '" + arg + "' (try --help)"};
    } else if (o.project.empty()) {
      o.project = arg;
    } else {
      return Error{"unexpected argument '" + arg + "'"};
    }
  }
  if (o.project.empty()) return Error{"render needs a project file"};
  if (o.output.empty()) return Error{"render needs an output file: -o OUT.mp4"};
  return command;
}

}  // namespace chunkreel
