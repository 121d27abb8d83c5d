// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/man_page.h"

#include <cctype>

#include "orchestrator/cli/help_text.h"
#include "orchestrator/cli/option_table.h"

namespace chunkreel {
namespace {

// Text safe to put in roff: a backslash is \e, every hyphen \- (options and
// values are typed as minus signs), and a line never begins with a control
// character.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string option_heading(const OptionSpec& option) {
  std::string heading = option.short_name.empty() ? "" : "\\fB" + roff(option.short_name) + "\\fR, ";
  heading += "\\fB" + roff(option.name) + "\\fR";
  if (option.takes_value()) heading += " \\fI" + roff(option.value) + "\\fR";
  return heading;
}

}  // namespace

std::string man_page(const std::string& data_dir) {
  std::string out = ".TH CHUNKREEL 1 \"\" \"chunkreel " CHUNKREEL_VERSION "\" \"User Commands\"\n";
  out += ".SH NAME\nchunkreel \\- render long photo slideshows to H.264 MP4 in parallel chunks\n";
  out += ".SH SYNOPSIS\n.nf\n";
  for (const CommandSpec& command : command_table())
    for (const std::string& form : command.synopsis) out += "\\fBchunkreel " + command.name + "\\fR " + roff(form) + "\n";
  out += "\\fBchunkreel\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR\n\\fBchunkreel \\-\\-version\\fR\n.fi\n";
  out += ".SH DESCRIPTION\n"
         "chunkreel renders photo slideshows (photos with Ken Burns pan and zoom, transitions, captions and "
         "music) to H.264 MP4. It validates the show and plans it once, splits it into chunks on slide "
         "boundaries, renders the chunks in a capped number of worker processes (or as a Slurm job array), "
         "encodes every chunk with one identical libx264 configuration, joins them by stream copy, and muxes "
         "the soundtrack, mixed and encoded once.\n"
         ".PP\n"
         "A show is a project file (JSON, described by the schema named under FILES) or a folder of photos.\n";
  out += ".SH COMMANDS\n";
  for (const CommandSpec& command : command_table())
    out += ".TP\n.B " + command.name + "\n" + roff(command.description) + "\n";
  out += ".SH OPTIONS\n"
         "Each option names the commands that take it; any other command refuses it. "
         "\\fB\\-\\-name=value\\fR is the same as \\fB\\-\\-name value\\fR.\n"
         ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint the help of chunkreel, or of one command, and exit.\n"
         ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nPrint chunkreel's version and those of the libraries that decide "
         "the output's bits, and exit.\n";
  for (OptionGroup group : {OptionGroup::k_general, OptionGroup::k_farm, OptionGroup::k_folder}) {
    if (group != OptionGroup::k_general) {
      std::string title = group_title(group);
      title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
      out += ".SS " + roff(title) + "\n";
    }
    for (const OptionSpec& option : option_table()) {
      if (option.group != group) continue;
      out += ".TP\n" + option_heading(option) + "\n" + roff(option.help);
      if (!option.choices.empty()) out += " One of: " + roff(choices_text(option)) + ".";
      out += "\n(" + command_names(option) + ")\n";
    }
  }
  out += ".SH EXIT STATUS\n";
  for (const auto& [code, meaning] : exit_codes()) out += ".TP\n.B " + std::to_string(code) + "\n" + roff(meaning) + "\n";
  out += ".SH FILES\n"
         ".TP\n.I " + roff(data_dir) + "/show.schema.json\n"
         "The JSON Schema (draft 2020\\-12) of project files. An editor that reads JSON Schema completes and "
         "checks a show whose \\fB\"$schema\"\\fR names it.\n"
         ".TP\n.I " + roff(data_dir) + "/configs/\n"
         "Settings for \\fB\\-\\-config\\fR: \\fBbalanced.json\\fR, \\fBlow\\-memory.json\\fR, "
         "\\fBaggressive.json\\fR.\n"
         ".TP\n.I OUT.mp4.parts/\n"
         "The work folder beside the output: chunk jobs, chunks, the recorded plan (\\fBrender.json\\fR) and a "
         "lock. It is removed after a successful render unless \\fB\\-\\-keep\\-chunks\\fR is given, and kept "
         "after a failure for \\fB\\-\\-resume\\fR.\n";
  out += ".SH EXAMPLES\n"
         "Render a folder of photos with music and date captions:\n"
         ".PP\n.nf\n.RS\nchunkreel render photos/ \\-o summer.mp4 \\-\\-music song.mp3 \\-\\-captions date\n.RE\n.fi\n"
         ".PP\n"
         "Write the folder's show out to edit, then render it overnight at low priority with a report:\n"
         ".PP\n.nf\n.RS\nchunkreel init photos/ \\-o summer.json\n"
         "chunkreel render summer.json \\-o summer.mp4 \\-\\-nice \\-\\-report summer\\-report.json\n.RE\n.fi\n"
         ".PP\n"
         "Render on a Slurm farm and leave the join to a job of its own:\n"
         ".PP\n.nf\n.RS\nchunkreel render summer.json \\-o /shared/summer.mp4 \\-\\-backend slurm "
         "\\-\\-slurm\\-partition night \\-\\-detach\n.RE\n.fi\n";
  out += ".SH SEE ALSO\n.BR ffmpeg (1),\n.BR ffprobe (1),\n.BR sbatch (1)\n";
  return out;
}

}  // namespace chunkreel
