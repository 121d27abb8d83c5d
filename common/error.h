// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Errors for chunkreel.
//
// Errors a caller can handle travel as values (`Expected<T>`). The one fatal
// error type, `Fatal`, carries an exit code and is caught only in each
// program's main(), which prints `chunkreel: error: ...` and returns the code.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace chunkreel {

/// Process exit codes shared by both programs.
enum class ExitCode : int {
  k_ok = 0,
  k_render_failed = 1,
  k_invalid_input = 2,
  k_interrupted = 130,
};

/// An error message that names the thing that is wrong.
struct Error {
  std::string message;
};

/// A value or an Error. Deliberately small: `ok()`, `value()`, `error()`.
template <typename T>
class Expected {
 public:
  Expected(T value) : m_state(std::move(value)) {}  // NOLINT: implicit by design
  Expected(Error error) : m_state(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(m_state); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(m_state); }
  const T& value() const& { return std::get<T>(m_state); }
  T&& value() && { return std::get<T>(std::move(m_state)); }
  const Error& error() const { return std::get<Error>(m_state); }

 private:
  std::variant<T, Error> m_state;
};

/// Expected<void>: success or an Error.
template <>
class Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : m_error(std::move(error)), m_failed(true) {}  // NOLINT

  bool ok() const { return !m_failed; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return m_error; }

 private:
  Error m_error;
  bool m_failed = false;
};

/// The one fatal error. Thrown where continuing makes no sense; caught in main.
class Fatal : public std::runtime_error {
 public:
  Fatal(ExitCode code, const std::string& message)
      : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

 private:
  ExitCode m_code;
};

}  // namespace chunkreel
