// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The command line as data: every command and every option, with the words
// that explain them. `--help`, the man page and the bash completion are all
// printed from this one table (the last two at build time, by
// chunkreel-docs), and the parser accepts exactly the options it lists for
// each command, so none of them can drift from another.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chunkreel {

enum class CommandKind { k_render, k_plan, k_init, k_batch, k_join, k_help, k_version };

/// What an option's value is, for the completion and the man page.
enum class ValueKind { k_none, k_number, k_size, k_text, k_file, k_directory, k_choice };

/// Where an option is listed.
enum class OptionGroup { k_general, k_farm, k_folder };

struct OptionSpec {
  std::string name;                 ///< "--workers"
  std::string short_name;           ///< "-o", or empty
  std::string value;                ///< placeholder ("N"); empty for a flag
  ValueKind kind = ValueKind::k_none;
  std::vector<std::string> choices; ///< k_choice: every accepted value
  std::string help;                 ///< sentences; the printers wrap them
  std::vector<CommandKind> commands;
  OptionGroup group = OptionGroup::k_general;
  std::string example;              ///< a value the parser accepts, for tests

  bool takes_value() const { return kind != ValueKind::k_none; }
  bool applies_to(CommandKind command) const;
};

struct CommandSpec {
  CommandKind kind;
  std::string name;                   ///< "render"
  std::vector<std::string> synopsis;  ///< argument lines after the name
  std::string summary;                ///< one line
  std::string description;            ///< a paragraph
};

const std::vector<OptionSpec>& option_table();
/// The five commands, in the order help lists them.
const std::vector<CommandSpec>& command_table();

/// By long or short name ("--output", "-o"); null when there is none.
const OptionSpec* find_option(std::string_view name);
const CommandSpec* find_command(std::string_view name);

/// "render", "plan"...; "chunkreel" for help and version.
const char* command_name(CommandKind kind);

/// The commands an option belongs to, "render, plan, init".
std::string command_names(const OptionSpec& option);

/// An option's choices, "local, slurm".
std::string choices_text(const OptionSpec& option);

/// The options `kind` takes, in table order.
std::vector<const OptionSpec*> options_of(CommandKind kind);

/// The name a user most likely meant by `typed`, among the options of
/// `kind`: a unique one it begins, or one within a small edit distance.
std::optional<std::string> nearest_option(std::string_view typed, CommandKind kind);
std::optional<std::string> nearest_command(std::string_view typed);

/// "Options for farms" and so on, as help and the man page title them.
const char* group_title(OptionGroup group);

/// The exit codes, one per line: "0  done".
const std::vector<std::pair<int, std::string>>& exit_codes();

}  // namespace chunkreel
