// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Ctrl-C and SIGTERM become a flag the main loop polls; workers live in
// their own process groups, so the orchestrator alone decides how they stop.

#include <atomic>

namespace chunkreel {

/// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handlers();

/// How many times Ctrl-C or SIGTERM came: a second one stops a wait the
/// first one began (a farm's queue emptying after its cancel).
int interrupt_count();

}  // namespace chunkreel
