// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/interrupt.h"

#include <signal.h>

namespace chunkreel {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_interrupts{0};

void on_signal(int) {
  g_interrupted.store(true);
  g_interrupts.fetch_add(1);
}

}  // namespace

int interrupt_count() { return g_interrupts.load(); }

const std::atomic<bool>& install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A closed pipe on stdout must not kill us mid-render, and a file-size
  // limit must surface as a write error (EFBIG) that names the file.
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);
  return g_interrupted;
}

}  // namespace chunkreel
