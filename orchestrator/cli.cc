#include "orchestrator/cli.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "orchestrator/memory_model.h"

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

// Settings from a --config file, for every field the flags left automatic.
Expected<void> apply_config(const std::string& path, RenderOptions* o) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the config file"};
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json root = nlohmann::json::parse(text.str(), nullptr, false);
  if (root.is_discarded()) return Error{path + ": invalid JSON"};
  try {
    FieldReader r(root, "");
    r.string("description");
    if (auto v = r.integer("workers")) {
      if (*v < 1 || *v > 256) r.fail("workers", "must be from 1 to 256");
      if (o->workers == 0) o->workers = static_cast<int>(*v);
    }
    if (auto v = r.integer("threads_per_worker")) {
      if (*v < 1 || *v > 64) r.fail("threads_per_worker", "must be from 1 to 64");
      if (o->threads_per_worker == 0) o->threads_per_worker = static_cast<int>(*v);
    }
    if (auto v = r.number("chunk_seconds")) {
      if (*v <= 0) r.fail("chunk_seconds", "must be above 0");
      if (o->chunk_seconds == 0) o->chunk_seconds = *v;
    }
    if (auto v = r.string("memory_budget")) {
      auto size = parse_size(*v);
      if (!size) r.fail("memory_budget", size.error().message);
      if (o->memory_budget == 0) o->memory_budget = size.value();
    }
    r.finish();
  } catch (const FieldError& e) {
    return Error{path + ": " + e.path() + ": " + e.what()};
  }
  o->config = path;
  return {};
}

}  // namespace

const char* usage_text() {
  return "usage: chunkreel render PROJECT.json -o OUT.mp4 [options]\n"
         "       chunkreel render PHOTOS_DIR -o OUT.mp4 [folder options] [options]\n"
         "       chunkreel plan PROJECT.json [options] [--json]\n"
         "       chunkreel init PHOTOS_DIR -o show.json [folder options]\n"
         "       chunkreel batch PROJECT.json... --out-dir DIR [--resume] [--workers N]\n"
         "                       [--memory-budget SIZE] [--nice] [options]\n"
         "\n"
         "options:\n"
         "  -o, --output FILE          the MP4 to write (required)\n"
         "  --workers N                most worker processes at once (default: automatic)\n"
         "  --threads-per-worker T     encoder threads in each worker (default: automatic)\n"
         "  --chunk-seconds S          aim for chunks of about S seconds (default: automatic)\n"
         "  --report PATH.json         write a report of the run\n"
         "  --work-dir DIR             where chunks are kept (default: OUT.mp4.parts)\n"
         "  --keep-chunks              keep the work folder after success\n"
         "  --resume                   reuse the finished chunks of an earlier run\n"
         "  --memory-budget SIZE       keep the workers' memory under SIZE (bytes, or K/M/G)\n"
         "  --config FILE              settings from a file (configs/); flags override it\n"
         "  --retries N                extra attempts for a failed chunk (default 2)\n"
         "  --stall-timeout S          stop and retry a worker silent for S seconds (default 120)\n"
         "  --max-megapixels M         refuse larger images (default 100)\n"
         "  --quiet                    print nothing but errors\n"
         "  --nice                     run workers at nice 10 and idle I/O priority\n"
         "\n"
         "folder options (a show made from a folder of photos, in natural name order):\n"
         "  --music FILE               a looping soundtrack\n"
         "  --seconds-per-slide S      default 5\n"
         "  --transition NAME          default crossfade\n"
         "  --size WxH                 default 1920x1080\n"
         "  --fps N                    default 30 (or a ratio such as 30000/1001)\n"
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
  if (args[0] == "render")
    command.kind = CommandKind::k_render;
  else if (args[0] == "plan")
    command.kind = CommandKind::k_plan;
  else if (args[0] == "init")
    command.kind = CommandKind::k_init;
  else if (args[0] == "batch")
    command.kind = CommandKind::k_batch;
  else
    return Error{"unknown command '" + args[0] + "' (try --help)"};
  std::string config;
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
    } else if (arg == "--resume") {
      o.resume = true;
    } else if (arg == "--retries") {
      if (!value(&v) || !parse_int(v, 0, 100, &n))
        return Error{"--retries needs a whole number from 0 to 100"};
      o.retries = static_cast<int>(n);
    } else if (arg == "--stall-timeout") {
      if (!value(&v) || !parse_positive(v, &o.stall_timeout_s))
        return Error{"--stall-timeout needs a number of seconds above 0"};
    } else if (arg == "--max-megapixels") {
      double mp = 0;
      if (!value(&v) || !parse_positive(v, &mp)) return Error{"--max-megapixels needs a number"};
      o.max_pixels = static_cast<int64_t>(mp * 1e6);
    } else if (arg == "--memory-budget") {
      if (!value(&v)) return Error{"--memory-budget needs a size, such as 4G"};
      auto size = parse_size(v);
      if (!size) return Error{"--memory-budget: " + size.error().message};
      o.memory_budget = size.value();
    } else if (arg == "--config") {
      if (!value(&config)) return Error{"--config needs a file"};
    } else if (arg == "--nice") {
      o.nice = true;
    } else if (arg == "--out-dir" && command.kind == CommandKind::k_batch) {
      if (!value(&command.out_dir)) return Error{"--out-dir needs a folder"};
    } else if (arg == "--json" && command.kind == CommandKind::k_plan) {
      o.json = true;
    } else if (arg == "--music") {
      if (!value(&o.folder.music)) return Error{"--music needs a file"};
    } else if (arg == "--seconds-per-slide") {
      if (!value(&v) || !parse_positive(v, &o.folder.seconds_per_slide))
        return Error{"--seconds-per-slide needs a number of seconds above 0"};
    } else if (arg == "--transition") {
      if (!value(&v) || !parse_transition_type(v, &o.folder.transition))
        return Error{"--transition needs one of cut, crossfade, fade-black, wipe-left, "
                     "wipe-right, wipe-up, wipe-down, slide-left, slide-right"};
    } else if (arg == "--size") {
      int64_t w = 0, h = 0;
      auto x = v.npos;
      if (!value(&v) || (x = v.find('x')) == v.npos || !parse_int(v.substr(0, x), 16, 8192, &w) ||
          !parse_int(v.substr(x + 1), 16, 8192, &h) || w % 2 || h % 2)
        return Error{"--size needs WIDTHxHEIGHT, even numbers from 16 to 8192"};
      o.folder.width = static_cast<int>(w);
      o.folder.height = static_cast<int>(h);
    } else if (arg == "--fps") {
      auto rate = value(&v) ? parse_rational(v) : Expected<Rational>(Error{"missing"});
      if (!rate || rate.value().to_double() < 1 || rate.value().to_double() > 240)
        return Error{"--fps needs a rate from 1 to 240, such as 30 or 30000/1001"};
      o.folder.fps = rate.value();
    } else if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Error{"unknown option '" + arg + "' (try --help)"};
    } else if (command.kind == CommandKind::k_batch) {
      command.projects.push_back(arg);
    } else if (o.project.empty()) {
      o.project = arg;
    } else {
      return Error{"unexpected argument '" + arg + "'"};
    }
  }
  if (!config.empty()) {
    Expected<void> applied = apply_config(config, &o);
    if (!applied) return applied.error();
  }
  if (command.kind == CommandKind::k_batch) {
    if (command.projects.empty()) return Error{"batch needs at least one project file"};
    if (command.out_dir.empty()) return Error{"batch needs an output folder: --out-dir DIR"};
    if (!o.output.empty()) return Error{"batch names its outputs itself; use --out-dir, not -o"};
    return command;
  }
  if (command.kind == CommandKind::k_plan) {
    if (o.project.empty()) return Error{"plan needs a project file or a folder of photos"};
    return command;
  }
  if (command.kind == CommandKind::k_init) {
    if (o.project.empty()) return Error{"init needs a folder of photos"};
    if (o.output.empty()) return Error{"init needs a project file to write: -o show.json"};
    return command;
  }
  if (o.project.empty()) return Error{"render needs a project file or a folder of photos"};
  if (o.output.empty()) return Error{"render needs an output file: -o OUT.mp4"};
  return command;
}

}  // namespace chunkreel
