// error.h — the exception tree thrown by crdtcore.
//
//   Error (std::runtime_error)
//   ├── DecodeError    malformed bytes (update, state vector, any value, JSON text)
//   ├── OutOfRange     an index or length outside the shared type
//   ├── InvalidState   misuse: no transaction, type not integrated, deleted type, ...
//   └── TypeMismatch   a value that cannot be stored, or a root used with another type
//
// The Python bindings translate these into crdtcore.DecodeError (a ValueError),
// IndexError, RuntimeError and TypeError respectively.
#pragma once

#include <stdexcept>
#include <string>

namespace crdtcore {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// Malformed input bytes. Whoever throws it guarantees the document is unchanged.
class DecodeError : public Error {
 public:
  explicit DecodeError(const std::string& what) : Error(what) {}
};

class OutOfRange : public Error {
 public:
  explicit OutOfRange(const std::string& what) : Error(what) {}
};

class InvalidState : public Error {
 public:
  explicit InvalidState(const std::string& what) : Error(what) {}
};

class TypeMismatch : public Error {
 public:
  explicit TypeMismatch(const std::string& what) : Error(what) {}
};

}  // namespace crdtcore
