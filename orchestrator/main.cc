// SPDX-License-Identifier: GPL-2.0-or-later
// chunkreel: the orchestrator's command line. The one exit point: Fatal
// errors from anywhere below are caught here, printed, and become the exit code.

#include <cstdio>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/log.h>
}

#include "common/error.h"
#include "orchestrator/cli/batch_command.h"
#include "orchestrator/cli/command_line.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/help_text.h"
#include "orchestrator/cli/version_text.h"

int main(int argc, char** argv) {
  using namespace chunkreel;
  // chunkreel reports every problem itself, naming the file; FFmpeg's own
  // log lines would only repeat them less clearly.
  av_log_set_level(AV_LOG_QUIET);
  try {
    auto command = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
    if (!command) throw Fatal(ExitCode::k_invalid_input, command.error().message);
    switch (command.value().kind) {
      case CommandKind::k_help:
        std::fputs(command.value().help_topic ? command_help(*command.value().help_topic).c_str()
                                              : general_help().c_str(),
                   stdout);
        return 0;
      case CommandKind::k_version:
        std::fputs(version_text().c_str(), stdout);
        return 0;
      case CommandKind::k_render:
        return run_render(command.value().render);
      case CommandKind::k_plan:
        return run_plan(command.value());
      case CommandKind::k_batch:
        return run_batch(command.value());
      case CommandKind::k_join:
        return run_join(command.value().render);
      case CommandKind::k_init:
        return run_init(command.value().render);
    }
    return 0;
  } catch (const Fatal& e) {
    std::fprintf(stderr, "chunkreel: error: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chunkreel: error: %s\n", e.what());
    return static_cast<int>(ExitCode::k_render_failed);
  }
}
