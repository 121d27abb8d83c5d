// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The command line: `chunkreel render PROJECT.json -o OUT.mp4 [options]`,
// `plan`, `init` and `batch`. Parsing builds the RenderConfig the render
// takes, plus the few things only the commands themselves need.

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "orchestrator/cli/option_table.h"
#include "orchestrator/session/render_config.h"

namespace chunkreel {

struct Command {
  CommandKind kind = CommandKind::k_help;
  /// render and plan: the render; init: the folder and the project file to
  /// write (as project.path and output); batch: what every project shares;
  /// join: the work folder, as project.path.
  RenderConfig render;
  bool json = false;                  ///< plan: print JSON
  std::vector<std::string> projects;  ///< batch
  std::string out_dir;                ///< batch
  std::optional<CommandKind> help_topic;  ///< help: one command's, or all
};

/// Parses argv (without the program name). Errors describe the bad argument.
/// A --config file fills in whatever the flags leave automatic.
Expected<Command> parse_command_line(const std::vector<std::string>& args);

}  // namespace chunkreel
