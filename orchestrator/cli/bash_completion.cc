// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/bash_completion.h"

#include "orchestrator/cli/option_table.h"

namespace chunkreel {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

std::vector<std::string> names(const OptionSpec& option) {
  std::vector<std::string> out;
  if (!option.short_name.empty()) out.push_back(option.short_name);
  out.push_back(option.name);
  return out;
}

// A case pattern: "-o|--output".
std::string pattern(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : "|") + word;
  return out;
}

// What a command's arguments that are not options are.
std::string positional(CommandKind kind) {
  switch (kind) {
    case CommandKind::k_render:
    case CommandKind::k_plan:
    case CommandKind::k_batch:
      return "_chunkreel_files_and_dirs '*.json'";
    default:
      return "_chunkreel_dirs";
  }
}

}  // namespace

std::string bash_completion() {
  std::string out =
      "# SPDX-License-Identifier: GPL-2.0-or-later\n"
      "# bash completion for chunkreel(1), generated from its option table by chunkreel-docs.\n\n"
      "_chunkreel_dirs() {\n"
      "  local IFS=$'\\n'\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  COMPREPLY=($(compgen -d -- \"$cur\"))\n"
      "}\n\n"
      "_chunkreel_files() {\n"
      "  local IFS=$'\\n'\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "}\n\n"
      "# Files matching $1, and folders to go into.\n"
      "_chunkreel_files_and_dirs() {\n"
      "  local IFS=$'\\n'\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  COMPREPLY=($(compgen -f -X \"!$1\" -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
      "}\n\n"
      "_chunkreel() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  COMPREPLY=()\n"
      "  if [[ $COMP_CWORD -eq 1 ]]; then\n";
  std::vector<std::string> commands;
  for (const CommandSpec& command : command_table()) commands.push_back(command.name);
  out += "    COMPREPLY=($(compgen -W \"" + joined(commands) + " --help --version\" -- \"$cur\"))\n    return\n  fi\n";

  // The value of an option, whichever command it follows.
  std::vector<std::string> files, dirs, typed;
  out += "  case \"$prev\" in\n";
  for (const OptionSpec& option : option_table()) {
    const std::vector<std::string> own = names(option);
    switch (option.kind) {
      case ValueKind::k_choice:
        out += "    " + pattern(own) + ")\n      COMPREPLY=($(compgen -W \"" + joined(option.choices) +
               "\" -- \"$cur\"))\n      return ;;\n";
        break;
      case ValueKind::k_file:
        files.insert(files.end(), own.begin(), own.end());
        break;
      case ValueKind::k_directory:
        dirs.insert(dirs.end(), own.begin(), own.end());
        break;
      case ValueKind::k_none:
        break;
      default:
        typed.insert(typed.end(), own.begin(), own.end());
    }
  }
  out += "    " + pattern(files) + ")\n      _chunkreel_files\n      return ;;\n";
  out += "    " + pattern(dirs) + ")\n      _chunkreel_dirs\n      return ;;\n";
  out += "    " + pattern(typed) + ")\n      return ;;\n";
  out += "  esac\n\n  local options\n  case \"${COMP_WORDS[1]}\" in\n";
  for (const CommandSpec& command : command_table()) {
    std::vector<std::string> own;
    for (const OptionSpec* option : options_of(command.kind)) {
      const std::vector<std::string> n = names(*option);
      own.insert(own.end(), n.begin(), n.end());
    }
    own.push_back("--help");
    out += "    " + command.name + ")\n      options=\"" + joined(own) + "\"\n";
    out += "      [[ \"$cur\" == -* ]] || { " + positional(command.kind) + "; return; } ;;\n";
  }
  out += "    *)\n      return ;;\n  esac\n";
  out += "  COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n}\n\n";
  out += "complete -F _chunkreel chunkreel\n";
  return out;
}

}  // namespace chunkreel
