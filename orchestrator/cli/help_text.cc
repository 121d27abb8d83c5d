// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/help_text.h"

#include <sstream>

namespace chunkreel {
namespace {

constexpr size_t k_width = 80;
constexpr size_t k_help_column = 29;

// `text` wrapped at word boundaries to k_width, every line after the first
// indented to `indent`; `first` is what the first line already holds.
std::string wrap(const std::string& text, size_t indent, size_t first) {
  std::istringstream words(text);
  std::string out, word;
  size_t column = first;
  bool line_empty = true;
  while (words >> word) {
    if (!line_empty && column + 1 + word.size() > k_width) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out;
}

// The commands an option belongs to, when it does not belong to them all.
std::string belongs_to(const OptionSpec& option) {
  if (option.commands.size() == command_table().size()) return "";
  return " (" + command_names(option) + ")";
}

void print_options(std::string& out, const std::vector<const OptionSpec*>& options, bool with_commands) {
  for (OptionGroup group : {OptionGroup::k_general, OptionGroup::k_farm, OptionGroup::k_folder}) {
    bool titled = false;
    for (const OptionSpec* option : options) {
      if (option->group != group) continue;
      if (!titled) out += std::string("\n") + group_title(group) + ":\n";
      titled = true;
      std::string line = "  " + option_label(*option);
      std::string help = option->help;
      if (!option->choices.empty()) help += " One of: " + choices_text(*option) + ".";
      if (with_commands) help += belongs_to(*option);
      if (line.size() + 1 >= k_help_column) {
        out += line + "\n";
        line.clear();
      }
      line.resize(k_help_column, ' ');
      out += line + wrap(help, k_help_column, k_help_column) + "\n";
    }
  }
}

void print_exit_codes(std::string& out) {
  out += "\nexit codes:\n";
  for (const auto& [code, meaning] : exit_codes()) {
    std::string line = "  " + std::to_string(code);
    line.resize(8, ' ');
    out += line + wrap(meaning, 8, 8) + "\n";
  }
}

}  // namespace

std::string option_label(const OptionSpec& option) {
  std::string label = option.short_name.empty() ? option.name : option.short_name + ", " + option.name;
  if (option.takes_value()) label += " " + option.value;
  return label;
}

std::string general_help() {
  std::string out = "chunkreel " CHUNKREEL_VERSION
                    ": renders long photo slideshows to H.264 MP4 in chunks, in parallel, in bounded memory\n\n";
  bool first = true;
  for (const CommandSpec& command : command_table())
    for (const std::string& form : command.synopsis) {
      out += std::string(first ? "usage: " : "       ") + "chunkreel " + command.name + " " + form + "\n";
      first = false;
    }
  out += "       chunkreel COMMAND --help\n       chunkreel --version\n\ncommands:\n";
  for (const CommandSpec& command : command_table()) {
    std::string line = "  " + command.name;
    line.resize(10, ' ');
    out += line + command.summary + "\n";
  }
  std::vector<const OptionSpec*> all;
  for (const OptionSpec& option : option_table()) all.push_back(&option);
  print_options(out, all, true);
  print_exit_codes(out);
  out += "\nchunkreel COMMAND --help lists one command's options; man chunkreel says more.\n";
  return out;
}

std::string command_help(CommandKind kind) {
  const CommandSpec* command = nullptr;
  for (const CommandSpec& c : command_table())
    if (c.kind == kind) command = &c;
  if (!command) return general_help();
  std::string out;
  bool first = true;
  for (const std::string& form : command->synopsis) {
    out += std::string(first ? "usage: " : "       ") + "chunkreel " + command->name + " " + form + "\n";
    first = false;
  }
  out += '\n';
  out += wrap(command->description, 0, 0);
  out += '\n';
  print_options(out, options_of(kind), false);
  print_exit_codes(out);
  return out;
}

}  // namespace chunkreel
