// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Ctrl-C and SIGTERM become a flag the main loop polls; workers live in
// their own process groups, so the orchestrator alone decides how they stop.

#include <atomic>

namespace chunkreel {

/// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handlers();

}  // namespace chunkreel
