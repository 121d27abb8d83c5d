// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/command_line.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>

#include "common/units.h"
#include "orchestrator/cli/config_file.h"
#include "orchestrator/cli/option_limits.h"
#include "orchestrator/cli/option_table.h"

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

// What parsing collects besides the command itself.
struct Parsed {
  Command command;
  std::string config;  ///< --config, applied after every flag
  bool backend_given = false;
};

// One option: whether it takes a value, and what it does with it. A handler
// returns an error message, or nothing when the value was good.
struct Option {
  bool takes_value = false;
  std::function<std::optional<std::string>(Parsed&, const std::string&)> apply;
};

// A whole number from `low` to `high`, into the field `field` picks.
Option whole(int low, int high, std::function<int*(Parsed&)> field, std::string message) {
  return {true, [=](Parsed& p, const std::string& v) -> std::optional<std::string> {
            int64_t n = 0;
            if (!parse_int(v, low, high, &n)) return message;
            *field(p) = static_cast<int>(n);
            return std::nullopt;
          }};
}

// A number inside `range`, into the field `field` picks.
Option ranged(const NumberRange& range, std::function<double*(Parsed&)> field) {
  return {true, [=](Parsed& p, const std::string& v) -> std::optional<std::string> {
            double value = 0;
            if (!parse_positive(v, &value)) return outside(range, -1);
            if (auto problem = outside(range, value)) return problem;
            *field(p) = value;
            return std::nullopt;
          }};
}

// An amount of memory (2G, 512M), into the field `field` picks; `problem`
// says why an amount cannot be.
Option memory(const char* flag, std::optional<std::string> (*problem)(int64_t),
              std::function<int64_t*(Parsed&)> field) {
  return {true, [=](Parsed& p, const std::string& v) -> std::optional<std::string> {
            auto bytes = parse_size(v);
            if (!bytes) return std::string(flag) + ": " + bytes.error().message;
            if (auto why = problem(bytes.value())) return std::string(flag) + " " + v + ": " + *why;
            *field(p) = bytes.value();
            return std::nullopt;
          }};
}

Option flag(std::function<void(Parsed&)> set) {
  return {false, [set](Parsed& p, const std::string&) -> std::optional<std::string> {
            set(p);
            return std::nullopt;
          }};
}

Option text(std::function<std::string*(Parsed&)> field) {
  return {true, [field](Parsed& p, const std::string& v) -> std::optional<std::string> {
            *field(p) = v;
            return std::nullopt;
          }};
}

// The parser's side of the option table: what each option does. The table
// (option_table.cc) says which commands take it and how help describes it.
const std::map<std::string, Option>& handlers() {
  static const std::map<std::string, Option> table = {
      {"--output", text([](Parsed& p) { return &p.command.render.output; })},
      {"--workers", whole(1, 256, [](Parsed& p) { return &p.command.render.plan.workers; },
                          "--workers needs a whole number from 1 to 256")},
      {"--threads-per-worker",
       whole(1, 64, [](Parsed& p) { return &p.command.render.plan.threads_per_worker; },
             "--threads-per-worker needs a whole number from 1 to 64")},
      {"--chunk-seconds", ranged(k_chunk_seconds_range, [](Parsed& p) { return &p.command.render.plan.chunk_seconds; })},
      {"--memory-budget", memory("--memory-budget", worker_memory_problem, [](Parsed& p) { return &p.command.render.plan.memory_budget; })},
      {"--report", text([](Parsed& p) { return &p.command.render.report; })},
      {"--work-dir", text([](Parsed& p) { return &p.command.render.work_dir; })},
      {"--config", text([](Parsed& p) { return &p.config; })},
      {"--keep-chunks", flag([](Parsed& p) { p.command.render.keep_chunks = true; })},
      {"--overwrite", flag([](Parsed& p) { p.command.render.overwrite = true; })},
      {"--resume", flag([](Parsed& p) { p.command.render.resume = true; })},
      {"--nice", flag([](Parsed& p) { p.command.render.nice = true; })},
      {"--quiet", flag([](Parsed& p) { p.command.render.quiet = true; })},
      {"--retries", whole(0, 100, [](Parsed& p) { return &p.command.render.retries; },
                          "--retries needs a whole number from 0 to 100")},
      {"--stall-timeout", ranged(k_stall_timeout_range, [](Parsed& p) { return &p.command.render.stall_timeout_s; })},
      {"--max-megapixels",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          double mp = 0;
          if (!parse_positive(v, &mp)) mp = -1;
          if (auto problem = outside(k_max_megapixels_range, mp)) return problem;
          p.command.render.project.max_pixels = static_cast<int64_t>(mp * 1e6);
          return std::nullopt;
        }}},
      {"--out-dir", text([](Parsed& p) { return &p.command.out_dir; })},
      {"--backend",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (!parse_backend(v, &p.command.render.backend)) return "--backend needs local or slurm";
          p.backend_given = true;
          return std::nullopt;
        }}},
      {"--slurm-partition", text([](Parsed& p) { return &p.command.render.slurm.partition; })},
      {"--slurm-max-running", whole(1, 100000, [](Parsed& p) { return &p.command.render.slurm.max_running; },
                                    "--slurm-max-running needs a whole number from 1 to 100000")},
      {"--slurm-arg",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          p.command.render.slurm.extra_args.push_back(v);
          return std::nullopt;
        }}},
      {"--slurm-mem", memory("--slurm-mem", task_memory_problem, [](Parsed& p) { return &p.command.render.slurm.first_mem_bytes; })},
      {"--detach", flag([](Parsed& p) { p.command.render.slurm.detach = true; })},
      {"--json", flag([](Parsed& p) { p.command.json = true; })},
      {"--music",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (v.empty()) return "--music needs a file";
          p.command.render.project.folder.music.push_back(v);
          return std::nullopt;
        }}},
      {"--sync",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (v != "beats" && v != "none") return "--sync needs beats or none";
          p.command.render.project.folder.sync_beats = v == "beats";
          return std::nullopt;
        }}},
      {"--seconds-per-slide",
       ranged(k_seconds_per_slide_range, [](Parsed& p) { return &p.command.render.project.folder.seconds_per_slide; })},
      {"--transition",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (!parse_transition_type(v, &p.command.render.project.folder.transition))
            return "--transition needs one of cut, crossfade, fade-black, wipe-left, wipe-right, "
                   "wipe-up, wipe-down, slide-left, slide-right";
          return std::nullopt;
        }}},
      {"--size",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          int64_t w = 0, h = 0;
          const auto x = v.find('x');
          if (x == v.npos || !parse_int(v.substr(0, x), 16, 8192, &w) ||
              !parse_int(v.substr(x + 1), 16, 8192, &h) || w % 2 || h % 2)
            return "--size needs WIDTHxHEIGHT, even numbers from 16 to 8192";
          p.command.render.project.folder.width = static_cast<int>(w);
          p.command.render.project.folder.height = static_cast<int>(h);
          return std::nullopt;
        }}},
      {"--captions",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (!parse_folder_captions(v, &p.command.render.project.folder.captions))
            return "--captions needs name, date or none";
          return std::nullopt;
        }}},
      {"--title",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (v.find_first_not_of(" \t\n") == std::string::npos) return "--title needs some text";
          p.command.render.project.folder.title = v;
          return std::nullopt;
        }}},
      {"--max-clip-seconds",
       ranged(k_max_clip_seconds_range, [](Parsed& p) { return &p.command.render.project.folder.max_clip_seconds; })},
      {"--live-photos",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (!parse_live_photos(v, &p.command.render.project.folder.live_photos))
            return "--live-photos needs photo or video";
          return std::nullopt;
        }}},
      {"--loudness",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (v == "off") {
            p.command.render.project.folder.loudness.reset();
            return std::nullopt;
          }
          char* end = nullptr;
          const double lufs = std::strtod(v.c_str(), &end);
          if (v.empty() || *end != '\0' || !(lufs >= -70 && lufs <= -5))
            return "--loudness needs a loudness from -70 to -5 LUFS (such as -14), or off";
          p.command.render.project.folder.loudness = lufs;
          return std::nullopt;
        }}},
      {"--focus",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          if (v != "auto" && v != "none") return "--focus needs auto or none";
          p.command.render.project.folder.find_subjects = v == "auto";
          return std::nullopt;
        }}},
      {"--fps",
       {true,
        [](Parsed& p, const std::string& v) -> std::optional<std::string> {
          auto rate = parse_rational(v);
          if (!rate || rate.value().to_double() < 1 || rate.value().to_double() > 240 ||
              rate.value().num > 1'000'000 || rate.value().den > 1'000'000)
            return "--fps needs a rate from 1 to 240, such as 30 or 30000/1001";
          p.command.render.project.folder.fps = rate.value();
          return std::nullopt;
        }}},
  };
  return table;
}

std::optional<CommandKind> command_kind(const std::string& word) {
  const CommandSpec* command = find_command(word);
  if (!command) return std::nullopt;
  return command->kind;
}

// Why `typed` is not an option of `kind`, with the likeliest meant one.
std::string unknown_option(const std::string& typed, CommandKind kind) {
  const std::string help = std::string("chunkreel ") + command_name(kind) + " --help";
  if (const OptionSpec* other = find_option(typed)) {
    std::string owners;
    for (size_t i = 0; i < other->commands.size(); ++i)
      owners += std::string(i == 0 ? "" : i + 1 == other->commands.size() ? " and " : ", ") +
                command_name(other->commands[i]);
    return typed + " is an option of " + owners + ", not of " + command_name(kind) + " (see " + help + ")";
  }
  std::string message = "unknown option '" + typed + "'";
  if (auto meant = nearest_option(typed, kind)) message += "; did you mean " + *meant + "?";
  return message + " (see " + help + ")";
}

// Farm settings on a local render would be silently ignored: refuse them.
std::optional<std::string> backend_mismatch(const RenderConfig& r) {
  if (r.backend == Backend::k_slurm) return std::nullopt;
  if (r.slurm.detach) return "--detach needs --backend slurm";
  if (!r.slurm.partition.empty() || r.slurm.max_running > 0 || !r.slurm.extra_args.empty() ||
      r.slurm.first_mem_bytes > 0)
    return "the --slurm-* options need --backend slurm";
  return std::nullopt;
}

// What each command needs once every argument is read.
std::optional<std::string> missing_argument(const Command& c) {
  const RenderConfig& r = c.render;
  switch (c.kind) {
    case CommandKind::k_batch:
      if (c.projects.empty()) return "batch needs at least one project file";
      if (c.out_dir.empty()) return "batch needs an output folder: --out-dir DIR";
      if (!r.output.empty()) return "batch names its outputs itself; use --out-dir, not -o";
      return std::nullopt;
    case CommandKind::k_plan:
      if (r.project.path.empty()) return "plan needs a project file or a folder of photos";
      return std::nullopt;
    case CommandKind::k_join:
      if (r.project.path.empty()) return "join needs the work folder of a detached farm render";
      return std::nullopt;
    case CommandKind::k_init:
      if (r.project.path.empty()) return "init needs a folder of photos";
      if (r.output.empty()) return "init needs a project file to write: -o show.json";
      return std::nullopt;
    default:
      if (r.project.path.empty()) return "render needs a project file or a folder of photos";
      if (r.output.empty()) return "render needs an output file: -o OUT.mp4";
      return std::nullopt;
  }
}

}  // namespace

Expected<Command> parse_command_line(const std::vector<std::string>& args) {
  Parsed parsed;
  Command& command = parsed.command;
  if (args.empty()) return Error{"no command given (see chunkreel --help)"};
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    if (args.size() > 1) command.help_topic = command_kind(args[1]);
    if (args.size() > 1 && !command.help_topic) return Error{"unknown command '" + args[1] + "' (see chunkreel --help)"};
    return command;
  }
  if (args[0] == "--version" || args[0] == "-V") {
    command.kind = CommandKind::k_version;
    return command;
  }
  const auto kind = command_kind(args[0]);
  if (!kind) {
    std::string message = "unknown command '" + args[0] + "'";
    if (auto meant = nearest_command(args[0])) message += "; did you mean " + *meant + "?";
    return Error{message + " (see chunkreel --help)"};
  }
  command.kind = *kind;
  // Help wins over every other mistake on the line, but a value such as
  // `--title --help` is a value.
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      command.kind = CommandKind::k_help;
      command.help_topic = *kind;
      return command;
    }
    const OptionSpec* spec = find_option(args[i]);
    if (spec && spec->takes_value()) ++i;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    // --name=value is the same as --name value.
    const size_t equals = arg.rfind("--", 0) == 0 ? arg.find('=') : std::string::npos;
    const std::string typed = arg.substr(0, equals);
    const OptionSpec* spec = arg.size() > 1 && arg[0] == '-' ? find_option(typed) : nullptr;
    if (spec && spec->applies_to(command.kind) && (equals == std::string::npos || spec->takes_value())) {
      std::string value;
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (spec->takes_value()) {
        if (i + 1 >= args.size()) return Error{arg + " needs a value: " + spec->value + " (see chunkreel " + args[0] + " --help)"};
        value = args[++i];
      }
      const auto handler = handlers().find(spec->name);
      if (handler == handlers().end()) return Error{spec->name + " has no handler; this is a bug in chunkreel"};
      if (auto error = handler->second.apply(parsed, value)) return Error{*error};
      if (spec->group == OptionGroup::k_folder) command.render.project.folder_flags.push_back(spec->name);
    } else if (spec && spec->applies_to(command.kind)) {
      return Error{typed + " takes no value (see chunkreel " + args[0] + " --help)"};
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Error{unknown_option(typed, command.kind)};
    } else if (command.kind == CommandKind::k_batch) {
      command.projects.push_back(arg);
    } else if (command.render.project.path.empty()) {
      command.render.project.path = arg;
    } else {
      return Error{"unexpected argument '" + arg + "'"};
    }
  }
  if (!parsed.config.empty()) {
    const Backend from_flags = command.render.backend;
    Expected<void> applied = apply_config_file(parsed.config, &command.render);
    if (parsed.backend_given) command.render.backend = from_flags;
    if (!applied) return applied.error();
  }
  if (auto missing = missing_argument(command)) return Error{*missing};
  if (auto wrong = backend_mismatch(command.render)) return Error{*wrong};
  return command;
}

}  // namespace chunkreel
