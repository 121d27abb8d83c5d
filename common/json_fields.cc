// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/json_fields.h"

#include <cmath>

namespace chunkreel {
namespace {

const char* type_name(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

}  // namespace

FieldReader::FieldReader(const nlohmann::json& value, std::string path)
    : m_value(&value), m_path(std::move(path)) {
  if (!value.is_object())
    throw FieldError(m_path.empty() ? "(top level)" : m_path,
                     std::string("must be an object, not ") + type_name(value));
}

bool FieldReader::has(const std::string& key) const { return m_value->contains(key); }

std::string FieldReader::path_of(const std::string& key) const {
  return m_path.empty() ? key : m_path + "." + key;
}

void FieldReader::fail(const std::string& key, const std::string& message) const {
  throw FieldError(path_of(key), message);
}

const nlohmann::json* FieldReader::raw(const std::string& key) {
  m_seen.insert(key);
  auto it = m_value->find(key);
  return it == m_value->end() ? nullptr : &*it;
}

std::optional<double> FieldReader::number(const std::string& key) {
  const nlohmann::json* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) fail(key, std::string("must be a number, not ") + type_name(*v));
  double d = v->get<double>();
  if (!std::isfinite(d)) fail(key, "must be a finite number");
  return d;
}

std::optional<int64_t> FieldReader::integer(const std::string& key) {
  const nlohmann::json* v = raw(key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
      return static_cast<int64_t>(d);
  }
  fail(key, std::string("must be an integer, not ") +
                (v->is_number() ? "a fractional number" : type_name(*v)));
}

std::optional<std::string> FieldReader::string(const std::string& key) {
  const nlohmann::json* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail(key, std::string("must be a string, not ") + type_name(*v));
  return v->get<std::string>();
}

std::optional<bool> FieldReader::boolean(const std::string& key) {
  const nlohmann::json* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) fail(key, std::string("must be true or false, not ") + type_name(*v));
  return v->get<bool>();
}

std::optional<FieldReader> FieldReader::object(const std::string& key) {
  const nlohmann::json* v = raw(key);
  if (!v) return std::nullopt;
  return FieldReader(*v, path_of(key));
}

void FieldReader::finish() const {
  for (auto it = m_value->begin(); it != m_value->end(); ++it) {
    if (!m_seen.count(it.key()))
      throw FieldError(path_of(it.key()), "unknown key '" + it.key() + "'");
  }
}

std::string line_and_column(const std::string& text, size_t byte_offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace chunkreel
