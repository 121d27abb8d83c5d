// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The subjects found in photos, kept between runs, so a second render (or
// `init`) of the same folder finds nothing again. One small JSON file per
// photo under `$XDG_CACHE_HOME/chunkreel/subjects` (else
// `~/.cache/chunkreel/subjects`), named by the photo's identity: its size,
// modification time and first 64 KiB (as chunks' content keys know a
// photo), with the finder's version, so an edited photo or a changed finder
// is never answered from an old entry, while a photo moved elsewhere (its
// time kept) still is. chunkreel owns that folder; it writes each entry
// through a temporary name and a rename.

#include <optional>
#include <string>

#include "common/error.h"
#include "common/subjects.h"
#include "orchestrator/subjects/subject_finder.h"

namespace chunkreel {

class SubjectCache {
 public:
  /// The folder from XDG_CACHE_HOME or HOME; none when neither is set.
  static std::optional<SubjectCache> from_environment();
  explicit SubjectCache(std::string folder) : m_folder(std::move(folder)) {}

  const std::string& folder() const { return m_folder; }

  /// The entry's name for the photo at `path` (its first 64 KiB are read).
  static Expected<std::string> key_of(const std::string& path);

  /// The entry for `key`, when there is a readable one.
  std::optional<FoundSubjects> read(const std::string& key) const;
  /// Keeps `found` under `key`; an error says why it could not.
  Expected<void> write(const std::string& key, const FoundSubjects& found) const;

 private:
  std::string m_folder;
};

}  // namespace chunkreel
