// SPDX-License-Identifier: GPL-2.0-or-later
// The man page and the bash completion the build wrote, held against what
// the built chunkreel's --help says; and --version's list of libraries.

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "tests/test_support.h"

using namespace chunkreel;

namespace {

const std::vector<std::string> k_commands = {"render", "plan", "init", "join", "batch"};

// Every option name a help text lists: "-o", "--output", "--workers"...
// (from the lines that introduce an option, not from the prose).
std::set<std::string> options_in_help(const std::string& help) {
  std::set<std::string> names;
  std::istringstream lines(help);
  std::string line;
  const std::regex entry(R"(^  (-[a-zA-Z], )?(--[a-z][a-z-]*)\b)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, entry)) continue;
    if (m[1].matched) names.insert(m[1].str().substr(0, 2));
    names.insert(m[2].str());
  }
  return names;
}

std::string help_of(const std::string& command) {
  auto result = test::run(test::quote(test::chunkreel_path()) + " " + command + " --help");
  REQUIRE(result.exit_code == 0);
  return result.output;
}

// The man page as man would show it: roff's \- is the minus users type.
std::string man_source() {
  auto result = test::run("gzip -dc " + test::quote(std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel.1.gz"));
  REQUIRE(result.exit_code == 0);
  std::string text = result.output;
  for (size_t at = text.find("\\-"); at != std::string::npos; at = text.find("\\-", at)) text.erase(at, 1);
  return text;
}

// What the installed completion offers after `words` (the last one is
// being typed), run in a real bash.
std::set<std::string> completions(const std::string& words) {
  const std::string script = std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel.bash-completion";
  auto result = test::run("bash -c " + test::quote("source " + test::quote(script) + "; COMP_WORDS=(" + words +
                                                   "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _chunkreel; "
                                                   "printf '%s\\n' \"${COMPREPLY[@]}\""));
  REQUIRE(result.exit_code == 0);
  std::set<std::string> offered;
  std::istringstream lines(result.output);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) offered.insert(line);
  return offered;
}

}  // namespace

TEST_CASE("the man page lists every option and command that --help lists, and no others") {
  const std::string man = man_source();
  const std::set<std::string> general = options_in_help(help_of(""));
  REQUIRE(general.size() > 25);
  for (const std::string& option : general) {
    INFO(option);
    CHECK(man.find("\\fB" + option + "\\fR") != std::string::npos);
  }
  // And the other way: every option the man page gives a heading is in --help.
  std::set<std::string> in_man;
  const std::regex heading(R"(\.TP\n(\\fB-[a-zA-Z]\\fR, )?\\fB(--[a-z-]+)\\fR)");
  for (std::sregex_iterator it(man.begin(), man.end(), heading); it != std::sregex_iterator(); ++it)
    in_man.insert((*it)[2].str());
  in_man.erase("--help");
  in_man.erase("--version");
  std::set<std::string> long_names;
  for (const std::string& option : general)
    if (option.rfind("--", 0) == 0) long_names.insert(option);
  CHECK(in_man == long_names);
  for (const std::string& command : k_commands) CHECK(man.find(".B " + command + "\n") != std::string::npos);
}

TEST_CASE("the man page is clean roff") {
  // man's own checker: groff's warnings come out on stderr, which the
  // group sends to what is captured while the page itself is dropped.
  auto result = test::run("{ LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l " +
                          test::quote(std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel.1.gz") + " >/dev/null; }");
  CHECK(result.exit_code == 0);
  CHECK(result.output.empty());
}

TEST_CASE("each command's --help lists only its own options, and the completion offers exactly those") {
  const std::set<std::string> general = options_in_help(help_of(""));
  for (const std::string& command : k_commands) {
    INFO(command);
    std::set<std::string> own = options_in_help(help_of(command));
    REQUIRE(own.size() >= 2);
    for (const std::string& option : own) CHECK(general.count(option) == 1);
    own.insert("--help");
    CHECK(completions("chunkreel " + command + " -") == own);
  }
  CHECK(options_in_help(help_of("join")) == std::set<std::string>{"-y", "--overwrite", "-q", "--quiet"});
  CHECK(options_in_help(help_of("init")).count("--workers") == 0);
}

TEST_CASE("the completion offers the commands, an option's choices, and files where a file goes") {
  CHECK(completions("chunkreel ''") ==
        std::set<std::string>{"render", "plan", "init", "join", "batch", "--help", "--version"});
  CHECK(completions("chunkreel re") == std::set<std::string>{"render"});
  CHECK(completions("chunkreel render x.json --backend ''") == std::set<std::string>{"local", "slurm"});
  CHECK(completions("chunkreel init photos --captions d") == std::set<std::string>{"date"});
  const std::set<std::string> transitions = completions("chunkreel render photos --transition ''");
  CHECK(transitions.size() == 9);
  CHECK(transitions.count("fade-black") == 1);
  CHECK(completions("chunkreel render x.json --workers ''").empty());  // a number, typed

  test::TempDir dir;
  test::write_text(dir / "show.json", "{}");
  test::write_text(dir / "notes.txt", "");
  test::write_text(dir / "song.mp3", "");
  std::filesystem::create_directory(dir / "photos");
  const std::string prefix = test::quote(dir.path() + "/");
  // A show is a .json file or a folder; --music takes any file.
  CHECK(completions("chunkreel render " + prefix) ==
        std::set<std::string>{dir / "show.json", dir / "photos"});
  CHECK(completions("chunkreel render x.json --music " + prefix).count(dir / "song.mp3") == 1);
  CHECK(completions("chunkreel batch x.json --out-dir " + prefix) == std::set<std::string>{dir / "photos"});
}

TEST_CASE("chunkreel --version names chunkreel's version and every library that decides the output's bits") {
  auto result = test::run(test::quote(test::chunkreel_path()) + " --version");
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.rfind("chunkreel " CHUNKREEL_VERSION "\n", 0) == 0);
  for (const char* library : {"libavcodec", "libavformat", "libswscale", "libx264", "libheif", "LittleCMS",
                              "HarfBuzz", "FreeType", "FriBidi", "fontconfig"}) {
    INFO(library);
    // Each on a line of its own, with a version: digits and dots, or a build number.
    const std::regex line(std::string(R"((^|\n)  )") + library + R"( +[^\n]*([0-9]+\.[0-9]+|build [0-9]+))");
    CHECK(std::regex_search(result.output, line));
  }
  // x264's build is its soname's number, and the content keys name the same library.
  CHECK(std::regex_search(result.output, std::regex(R"(libx264 +build ([0-9]+) \(libx264\.so\.\1\))")));
}

TEST_CASE("a mistyped option or command suggests the one meant, on the command line itself") {
  auto run = [](const std::string& args) { return test::run(test::quote(test::chunkreel_path()) + " " + args); };
  auto typo = run("render show.json -o x.mp4 --worker 2");
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.output, Catch::Matchers::Contains("did you mean --workers?"));
  auto other = run("render show.json -o x.mp4 --json");
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.output, Catch::Matchers::Contains("--json is an option of plan, not of render"));
  auto command = run("pln show.json");
  CHECK(command.exit_code == 2);
  CHECK_THAT(command.output, Catch::Matchers::Contains("did you mean plan?"));
}

TEST_CASE("the README's options table has every option --help lists") {
  const std::string readme = test::read_text(test::source_path("README.md"));
  for (const std::string& option : options_in_help(help_of(""))) {
    INFO(option);
    CHECK(readme.find("`" + option) != std::string::npos);
  }
}
