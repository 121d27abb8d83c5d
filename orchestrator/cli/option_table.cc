// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/option_table.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/timeline.h"
#include "orchestrator/cli/option_limits.h"

namespace chunkreel {
namespace {

constexpr CommandKind R = CommandKind::k_render;
constexpr CommandKind P = CommandKind::k_plan;
constexpr CommandKind I = CommandKind::k_init;
constexpr CommandKind B = CommandKind::k_batch;
constexpr CommandKind J = CommandKind::k_join;

// "PREFIX from LOW to HIGH." in the words the parser's refusal uses.
std::string between(const NumberRange& range, const char* prefix) {
  return fmt::format("{} from {} to {}.", prefix, plain_number(range.low), plain_number(range.high));
}

std::vector<std::string> transition_choices() {
  std::vector<std::string> names;
  for (const char* name : transition_type_names()) names.emplace_back(name);
  return names;
}

// Optimal string alignment distance: Levenshtein plus adjacent swaps, so
// "--wokrers" is one step from "--workers".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// A unique candidate that `typed` begins, else the closest within a third
// of its length (at least 2 edits), else nothing. Ties go to the first.
std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& candidates) {
  std::vector<std::string> prefixed;
  for (const std::string& c : candidates)
    if (typed.size() >= 3 && c.size() > typed.size() && c.compare(0, typed.size(), typed) == 0) prefixed.push_back(c);
  if (prefixed.size() == 1) return prefixed.front();
  const size_t allowed = std::max<size_t>(2, typed.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = allowed + 1;
  for (const std::string& c : candidates) {
    const size_t distance = edit_distance(typed, c);
    if (distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace

bool OptionSpec::applies_to(CommandKind command) const {
  return std::find(commands.begin(), commands.end(), command) != commands.end();
}

const std::vector<OptionSpec>& option_table() {
  using K = ValueKind;
  using G = OptionGroup;
  static const std::vector<OptionSpec> table = {
      {"--output", "-o", "FILE", K::k_file, {},
       "The file to write: the MP4 (render), the project (init). It appears only when complete, written under a "
       "temporary name and then renamed. plan uses it to name the work folder of the farm's sbatch lines.",
       {R, P, I}, G::k_general, "out.mp4"},
      {"--overwrite", "-y", "", K::k_none, {},
       "Replace outputs that already exist (the MP4, the report and its page, init's project, a batch's outputs). "
       "Without it an existing file there is refused before any work, and one that appears while chunkreel works is "
       "left as it is. An input is never replaced, even with -y.",
       {R, I, B, J}, G::k_general, ""},
      {"--workers", "", "N", K::k_number, {},
       "At most N worker processes at once, 1 to 256. Default: automatic, from the cores, the memory and the show.",
       {R, P, B}, G::k_general, "2"},
      {"--threads-per-worker", "", "T", K::k_number, {},
       "x264 threads in each worker, 1 to 64. Default: the cores divided among the workers.", {R, P, B},
       G::k_general, "2"},
      {"--chunk-seconds", "", "S", K::k_number, {},
       between(k_chunk_seconds_range, "Aim for chunks of about S seconds,") +
           " Default: automatic. A chunk is never shorter than 3 frames (1 with the ultrafast preset).",
       {R, P, B}, G::k_general, "10"},
      {"--memory-budget", "", "SIZE", K::k_size, {},
       "Keep the workers' memory together under SIZE: a byte count, or a number with K, M or G (powers of 1024). "
       "At least what one worker needs. Default: 80% of the memory this machine (or its cgroup) has available.",
       {R, P, B}, G::k_general, "2G"},
      {"--config", "", "FILE", K::k_file, {},
       "Settings from a JSON file such as configs/balanced.json; flags on the command line win over it.",
       {R, P, B}, G::k_general, "configs/balanced.json"},
      {"--report", "", "FILE.json", K::k_file, {},
       "Write where the time and memory went, as JSON, and a page FILE.html beside it.", {R}, G::k_general,
       "report.json"},
      {"--work-dir", "", "DIR", K::k_directory, {},
       "Keep chunk jobs and chunks in a folder of chunkreel's own inside DIR, instead of OUT.mp4.parts beside "
       "the output. Nothing else in DIR is touched.",
       {R, P, B}, G::k_general, "work"},
      {"--keep-chunks", "", "", K::k_none, {}, "Keep the work folder after a successful render.", {R, B},
       G::k_general, ""},
      {"--resume", "", "", K::k_none, {},
       "Reuse the finished chunks and the recorded plan of an earlier run of the same show. A batch skips the "
       "projects it finished before.",
       {R, B}, G::k_general, ""},
      {"--retries", "", "N", K::k_number, {},
       "Extra attempts for a chunk whose worker failed, 0 to 100 (default 2).", {R, B}, G::k_general, "1"},
      {"--stall-timeout", "", "S", K::k_number, {},
       between(k_stall_timeout_range, "Stop and retry a worker that reported no progress for S seconds,") +
           " Default 120.", {R, B},
       G::k_general, "60"},
      {"--max-megapixels", "", "M", K::k_number, {},
       between(k_max_megapixels_range, "Refuse larger images, from their headers, before anything is decoded;") +
           " Default 100.",
       {R, P, I, B}, G::k_general, "50"},
      {"--nice", "", "", K::k_none, {}, "Run the workers at nice 10 in the idle I/O class.", {R, B},
       G::k_general, ""},
      {"--quiet", "-q", "", K::k_none, {}, "Print nothing but errors.", {R, I, B, J}, G::k_general, ""},
      {"--json", "", "", K::k_none, {}, "Print the plan as JSON.", {P}, G::k_general, ""},
      {"--out-dir", "", "DIR", K::k_directory, {},
       "Where a batch writes each project's MP4 and report (named after the project), its summary.json and "
       "batch.log.",
       {B}, G::k_general, "night"},
      {"--backend", "", "NAME", K::k_choice, {"local", "slurm"},
       "Run the chunk jobs on this machine (local, the default) or as a Slurm job array (slurm). A farm's work "
       "folder must be on a filesystem its nodes share.",
       {R, P, B}, G::k_farm, "slurm"},
      {"--slurm-partition", "", "NAME", K::k_text, {}, "The partition to submit to.", {R, P, B}, G::k_farm,
       "night"},
      {"--slurm-max-running", "", "K", K::k_number, {},
       "At most K tasks of the array at once (sbatch's %K), 1 to 100000.", {R, P, B}, G::k_farm, "8"},
      {"--slurm-arg", "", "ARG", K::k_text, {},
       "Passed to sbatch as it is, such as --account=lab or --time=2:00:00. Repeatable.", {R, P, B}, G::k_farm,
       "--account=lab"},
      {"--slurm-mem", "", "SIZE", K::k_size, {},
       "The memory each task asks for first. Default: the chunk's estimate plus 20%.", {R, P, B}, G::k_farm,
       "2G"},
      {"--detach", "", "", K::k_none, {},
       "Submit the array and a dependent join job, and return; the join job finishes the render.", {R, P},
       G::k_farm, ""},
      {"--music", "", "FILE", K::k_file, {},
       "A soundtrack, looped, with a 1 s fade-in and a 3 s fade-out. Repeatable: the songs play in the order "
       "given, each crossfading into the next over 2 s, the list looped.",
       {R, P, I}, G::k_folder, "song.mp3"},
      {"--sync", "", "HOW", K::k_choice, {"beats", "none"},
       "beats: move each change of photo onto the nearest beat of the (first) music within 0.4 s; none (the "
       "default): photos keep their time.",
       {R, P, I}, G::k_folder, "beats"},
      {"--seconds-per-slide", "", "S", K::k_number, {}, between(k_seconds_per_slide_range, "How long each photo shows, in seconds,") + " Default 5.",
       {R, P, I}, G::k_folder, "4"},
      {"--transition", "", "NAME", K::k_choice, transition_choices(),
       "The transition between photos (default crossfade).", {R, P, I}, G::k_folder, "wipe-left"},
      {"--size", "", "WxH", K::k_text, {}, "The video's size, even numbers from 16 to 8192 (default 1920x1080).",
       {R, P, I}, G::k_folder, "1280x720"},
      {"--fps", "", "RATE", K::k_text, {},
       "Frames a second, 1 to 240, or a ratio such as 30000/1001 (default 30).", {R, P, I}, G::k_folder,
       "25"},
      {"--captions", "", "KIND", K::k_choice, {"name", "date", "none"},
       "A caption under each photo: its file name without the extension (name), the day it was taken from EXIF "
       "(date; a photo without one gets none), or nothing (none, the default).",
       {R, P, I}, G::k_folder, "date"},
      {"--title", "", "TEXT", K::k_text, {}, "A title card first, with TEXT on it.", {R, P, I}, G::k_folder,
       "Our summer"},
      {"--max-clip-seconds", "", "S", K::k_number, {},
       between(k_max_clip_seconds_range, "A video plays whole up to this many seconds, and its start when longer,") +
           " Default 30.",
       {R, P, I}, G::k_folder, "15"},
      {"--live-photos", "", "HALF", K::k_choice, {"photo", "video"},
       "A Live Photo (a photo and a video of up to 4 s with the same name): show the photo (the default) or play "
       "the video.",
       {R, P, I}, G::k_folder, "video"},
      {"--loudness", "", "LUFS", K::k_text, {},
       "Bring the whole soundtrack to this integrated loudness (EBU R128), from -70 to -5 LUFS, its true peak "
       "under -1 dBTP; off leaves it as it is. Default -16 (-14 is YouTube's and Spotify's, -23 broadcast's).",
       {R, P, I}, G::k_folder, "-14"},
      {"--focus", "", "HOW", K::k_choice, {"auto", "none"},
       "Framing: keep the faces found in each photo in view, or else the region that stands out (auto, the "
       "default), or look for nothing and frame every photo from its centre (none).",
       {R, P, I}, G::k_folder, "none"},
  };
  return table;
}

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {R, "render",
       {"PROJECT.json -o OUT.mp4 [options]", "PHOTOS_DIR -o OUT.mp4 [folder options] [options]"},
       "render a show to an H.264 MP4",
       "Validates the show, plans it into chunks on slide boundaries, renders the chunks in worker processes "
       "(or as a Slurm job array), joins them without re-encoding, and muxes the soundtrack. A folder of photos "
       "is a show too: its photos and videos in natural name order, each photo with Ken Burns motion, each video "
       "with its sound."},
      {P, "plan",
       {"PROJECT.json [options] [--json]", "PHOTOS_DIR [folder options] [options] [--json]"},
       "print the plan and why, without rendering",
       "Prints the chunks, the workers, the memory each chunk is expected to need and the machine the plan was "
       "made for; with --backend slurm, also the sbatch lines a render would run."},
      {I, "init",
       {"PHOTOS_DIR -o show.json [folder options]"},
       "write a folder's show out as a project file to edit",
       "Writes the project a folder render would use: every photo and video, the motion, the transitions, the "
       "captions and the music, as JSON to edit and render later."},
      {J, "join",
       {"WORK_DIR [-y] [-q]"},
       "finish a detached farm render",
       "Joins a detached farm render from its work folder when every chunk is there, or resubmits the missing "
       "chunks while its retries allow. The join job a detached render submits runs this itself."},
      {B, "batch",
       {"PROJECT.json... --out-dir DIR [options]"},
       "render many projects, one after another, unattended",
       "Renders each project into DIR as PROJECT.mp4 with its report, writes summary.json and batch.log, and "
       "goes on past a project that fails. With --resume it skips the projects it finished before."},
  };
  return table;
}

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& option : option_table())
    if (option.name == name || (!option.short_name.empty() && option.short_name == name)) return &option;
  return nullptr;
}

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& command : command_table())
    if (command.name == name) return &command;
  return nullptr;
}

const char* command_name(CommandKind kind) {
  for (const CommandSpec& command : command_table())
    if (command.kind == kind) return command.name.c_str();
  return "chunkreel";
}

std::string command_names(const OptionSpec& option) {
  std::string names;
  for (CommandKind kind : option.commands) names += (names.empty() ? "" : ", ") + std::string(command_name(kind));
  return names;
}

std::string choices_text(const OptionSpec& option) {
  std::string text;
  for (const std::string& choice : option.choices) text += (text.empty() ? "" : ", ") + choice;
  return text;
}

std::vector<const OptionSpec*> options_of(CommandKind kind) {
  std::vector<const OptionSpec*> options;
  for (const OptionSpec& option : option_table())
    if (option.applies_to(kind)) options.push_back(&option);
  return options;
}

std::optional<std::string> nearest_option(std::string_view typed, CommandKind kind) {
  std::vector<std::string> names;
  for (const OptionSpec* option : options_of(kind)) names.push_back(option->name);
  names.push_back("--help");
  return nearest(typed, names);
}

std::optional<std::string> nearest_command(std::string_view typed) {
  std::vector<std::string> names;
  for (const CommandSpec& command : command_table()) names.push_back(command.name);
  return nearest(typed, names);
}

const char* group_title(OptionGroup group) {
  switch (group) {
    case OptionGroup::k_farm:
      return "render farms (Slurm)";
    case OptionGroup::k_folder:
      return "folder options (a show made from a folder of photos)";
    default:
      return "options";
  }
}

const std::vector<std::pair<int, std::string>>& exit_codes() {
  static const std::vector<std::pair<int, std::string>> codes = {
      {0, "done"},
      {1, "the render failed (a chunk, the join or the audio; the message and the report say why)"},
      {2, "invalid input, refused before any work: the project, a field, an image, the audio, an argument, or "
          "an output that exists without -y"},
      {130, "interrupted (Ctrl-C or SIGTERM); finished chunks are kept for --resume"},
  };
  return codes;
}

}  // namespace chunkreel
