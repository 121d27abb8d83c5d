#include "tests/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace chunkreel::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "chunkreel-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

CommandResult run(const std::string& command_line) {
  CommandResult result;
  FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string chunkreel_path() { return std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel"; }
std::string worker_path() { return std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel-worker"; }
std::string source_path(const std::string& relative) {
  return std::string(CHUNKREEL_SOURCE_DIR) + "/" + relative;
}

std::string make_sample(const std::string& dir, const std::string& options) {
  CommandResult r = run(quote(source_path("scripts/make-sample")) + " " + quote(dir) + " " + options);
  if (r.exit_code != 0) throw std::runtime_error("make-sample failed: " + r.output);
  return dir + "/show.json";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string ffprobe(const std::string& args, const std::string& file) {
  CommandResult r = run("ffprobe -v error " + args + " " + quote(file));
  if (r.exit_code != 0) throw std::runtime_error("ffprobe failed: " + r.output);
  return r.output;
}

std::vector<std::string> frame_md5s(const std::string& file) {
  CommandResult r = run("ffmpeg -v error -i " + quote(file) + " -map 0:v -f framemd5 -");
  if (r.exit_code != 0) throw std::runtime_error("ffmpeg framemd5 failed: " + r.output);
  std::vector<std::string> md5s;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    md5s.push_back(line.substr(line.rfind(',') + 1));
  }
  return md5s;
}

}  // namespace chunkreel::test
