// SPDX-License-Identifier: GPL-2.0-or-later
// chunkreel-docs: writes the man page and the bash completion from the
// option table, at build time. Not installed.
//
//   chunkreel-docs man DATA_DIR OUT      chunkreel.1
//   chunkreel-docs bash-completion OUT   the completion script

#include <cstdio>
#include <string>

#include "common/atomic_file.h"
#include "orchestrator/cli/bash_completion.h"
#include "orchestrator/cli/man_page.h"

int main(int argc, char** argv) {
  using namespace chunkreel;
  const std::string what = argc > 1 ? argv[1] : "";
  std::string text, out;
  if (what == "man" && argc == 4) {
    text = man_page(argv[2]);
    out = argv[3];
  } else if (what == "bash-completion" && argc == 3) {
    text = bash_completion();
    out = argv[2];
  } else {
    std::fprintf(stderr, "usage: chunkreel-docs man DATA_DIR OUT | bash-completion OUT\n");
    return 2;
  }
  auto written = write_file_atomically(out, text, Replace::k_allowed);
  if (!written) {
    std::fprintf(stderr, "chunkreel-docs: %s\n", written.error().message.c_str());
    return 1;
  }
  return 0;
}
