#pragma once
// Shared fixtures: temporary folders, running programs, and ffprobe/ffmpeg
// as the independent checker of what chunkreel writes.

#include <string>
#include <vector>

namespace chunkreel::test {

/// A fresh folder under the system temp dir, removed when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line, capturing its output.
CommandResult run(const std::string& command_line);

/// Quotes for the shell.
std::string quote(const std::string& text);

std::string chunkreel_path();
std::string worker_path();
std::string source_path(const std::string& relative);

/// scripts/make-sample into `dir`; returns the project path.
std::string make_sample(const std::string& dir, const std::string& options);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

/// One ffprobe value per line: `ffprobe -v error <args> FILE`.
std::string ffprobe(const std::string& args, const std::string& file);

/// The per-frame md5s of a video's decoded frames, in order.
std::vector<std::string> frame_md5s(const std::string& file);

}  // namespace chunkreel::test
