// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/session/output_check.h"

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "orchestrator/session/work_folder.h"

namespace chunkreel {
namespace {

namespace fs = std::filesystem;

// What makes two names the same file: device and inode when the file exists
// (stat follows symlinks), else the path with every existing part resolved.
struct Identity {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  std::string resolved;

  bool same_as(const Identity& other) const {
    if (exists && other.exists) return device == other.device && inode == other.inode;
    return resolved == other.resolved;
  }
};

Identity identity_of(const std::string& path) {
  Identity id;
  std::error_code ec;
  id.resolved = fs::weakly_canonical(fs::absolute(path), ec).string();
  if (ec) id.resolved = fs::absolute(path).lexically_normal().string();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.device = st.st_dev;
    id.inode = st.st_ino;
  }
  return id;
}

bool is_inside(const std::string& path, const std::string& folder) {
  const fs::path p(path), f(folder);
  auto [f_end, p_it] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  return f_end == f.end() && p_it != p.end();
}

}  // namespace

std::vector<InputFile> inputs_of(const Timeline& timeline, const std::string& owner,
                                 const std::string& config) {
  std::vector<InputFile> inputs;
  std::set<std::string> seen;
  auto add = [&](const std::string& path, std::string field) {
    if (seen.insert(path).second) inputs.push_back({path, owner, std::move(field)});
  };
  std::error_code ec;
  if (fs::is_regular_file(timeline.project_path, ec)) add(timeline.project_path, "the project file");
  for (size_t i = 0; i < timeline.slides.size(); ++i)
    if (!timeline.slides[i].image.empty())
      add(timeline.slides[i].image, fmt::format("slides[{}].image", i));
  for (size_t i = 0; i < timeline.audio.size(); ++i)
    add(timeline.audio[i].file, fmt::format("audio[{}].file", i));
  if (!config.empty()) add(config, "--config");
  return inputs;
}

Expected<void> check_outputs(const std::vector<OutputFile>& outputs,
                             const std::vector<InputFile>& inputs, const std::string& work_folder) {
  std::vector<Identity> input_ids;
  input_ids.reserve(inputs.size());
  for (const InputFile& input : inputs) input_ids.push_back(identity_of(input.path));
  const std::string folder =
      work_folder.empty() ? std::string() : identity_of(work_folder).resolved;

  std::vector<Identity> earlier;
  for (size_t o = 0; o < outputs.size(); ++o) {
    const OutputFile& output = outputs[o];
    const std::string named = fmt::format("{} {}", output.option, output.path);
    std::error_code ec;
    if (fs::is_directory(output.path, ec))
      return Error{fmt::format("{}: is a folder, not an output file", named)};
    const Identity id = identity_of(output.path);
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!id.same_as(input_ids[i])) continue;
      const InputFile& input = inputs[i];
      return Error{fmt::format("{}: is an input of {} ({}: {})", named, input.owner, input.field,
                               input.path)};
    }
    for (size_t e = 0; e < earlier.size(); ++e)
      if (id.same_as(earlier[e]))
        return Error{fmt::format("{}: is the same file as {} {}", named, outputs[e].option,
                                 outputs[e].path)};
    if (!folder.empty() && is_inside(id.resolved, folder))
      return Error{fmt::format("{}: lies inside the work folder {}", named, work_folder)};
    for (fs::path up = fs::path(id.resolved).parent_path(); up != up.parent_path(); up = up.parent_path())
      if (WorkFolder::is_work_folder(up.string()))
        return Error{fmt::format("{}: lies inside chunkreel's work folder {}", named, up.string())};
    struct stat st {};
    if (output.replace == Replace::k_never && ::lstat(output.path.c_str(), &st) == 0)
      return Error{fmt::format("{}: exists; chunkreel replaces a file only when asked (-y or --overwrite)",
                               named)};
    earlier.push_back(id);
  }
  return {};
}

}  // namespace chunkreel
