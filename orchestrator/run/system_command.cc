// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/system_command.h"

#include <boost/process.hpp>
#include <future>
#include <sstream>

namespace chunkreel {

namespace bp = boost::process;

Expected<CommandOutput> run_system_command(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{"no command to run"};
  const boost::filesystem::path program = bp::search_path(argv[0]);
  if (program.empty()) return Error{argv[0] + ": not found on PATH"};
  std::future<std::string> out, err;
  boost::asio::io_context io;
  std::error_code ec;
  bp::child child(program, std::vector<std::string>(argv.begin() + 1, argv.end()), bp::std_in < bp::null,
                  bp::std_out > out, bp::std_err > err, io, ec);
  if (ec) return Error{argv[0] + ": cannot start: " + ec.message()};
  io.run();
  child.wait(ec);
  CommandOutput result;
  result.exit_code = child.exit_code();
  result.out = out.get();
  result.err = err.get();
  return result;
}

std::string shell_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:%+@") == std::string::npos;
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) {
      if (c == '\'') line += "'\\''";
      else line += c;
    }
    line += '\'';
  }
  return line;
}

}  // namespace chunkreel
