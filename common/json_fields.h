// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Strict reading of JSON objects with field paths in every message.
//
// A FieldReader wraps one JSON object and the path that leads to it
// ("slides[3].transition"). Each getter marks its key as known; finish()
// refuses any key nobody asked for, so a typo never passes silently.
// Problems are thrown as FieldError and turned into an Error value by the
// parse function that owns the reader, at one place.

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace chunkreel {

/// Thrown inside parsers only; `path` is the full field path.
class FieldError : public std::runtime_error {
 public:
  FieldError(std::string path, const std::string& message)
      : std::runtime_error(message), m_path(std::move(path)) {}
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

class FieldReader {
 public:
  /// Throws FieldError unless `value` is an object.
  FieldReader(const nlohmann::json& value, std::string path);

  bool has(const std::string& key) const;
  std::string path_of(const std::string& key) const;

  const nlohmann::json* raw(const std::string& key);
  std::optional<double> number(const std::string& key);
  std::optional<int64_t> integer(const std::string& key);
  std::optional<std::string> string(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  /// A nested object, or nullopt if absent.
  std::optional<FieldReader> object(const std::string& key);

  /// Throws if any key was not read.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  const nlohmann::json* m_value;
  std::string m_path;
  std::set<std::string> m_seen;
};

/// "line L, column C" of a byte offset in `text`.
std::string line_and_column(const std::string& text, size_t byte_offset);

}  // namespace chunkreel
