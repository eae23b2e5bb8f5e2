// value.h — Value: a lib0 "any" (the JSON-like values Yjs stores in Array, Map,
// embeds and format attributes).
//
// Kinds: Undefined, Null, Bool, Int (int64; what lib0 tag 125, and integral
// float-tagged numbers within +-2^53, read back as), Float (double), BigInt (int64;
// lib0 tag 122), String (UTF-8), Binary (bytes),
// Array, Object. Objects keep an ordered list of (key, value) pairs in the order
// JavaScript would give them (integer-like keys first, ascending, then insertion
// order; a repeated key keeps its first position and takes the last value);
// Value::object() applies that rule, so every Object held by a Value is already
// normalised and re-encodes exactly as Yjs would.
//
// Values are immutable and cheap to copy (strings and containers are shared).
//
// Thread safety: a Value may be read from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace crdtcore {

class Value {
 public:
  enum class Kind : uint8_t {
    Undefined,
    Null,
    Bool,
    Int,
    Float,
    BigInt,
    String,
    Binary,
    Array,
    Object
  };
  using ArrayT = std::vector<Value>;
  using ObjectT = std::vector<std::pair<std::string, Value>>;
  using BinaryT = std::vector<uint8_t>;

  Value() = default;  // Undefined

  static Value undefined() { return Value(); }
  static Value null() {
    Value v;
    v.data_ = NullTag{};
    return v;
  }
  static Value boolean(bool b) {
    Value v;
    v.data_ = b;
    return v;
  }
  static Value integer(int64_t i) {
    Value v;
    v.data_ = i;
    return v;
  }
  static Value floating(double d) {
    Value v;
    v.data_ = d;
    return v;
  }
  static Value bigint(int64_t i) {
    Value v;
    v.data_ = BigIntT{i};
    return v;
  }
  static Value string(std::string s) {
    Value v;
    v.data_ = std::make_shared<const std::string>(std::move(s));
    return v;
  }
  static Value binary(BinaryT b) {
    Value v;
    v.data_ = std::make_shared<const BinaryT>(std::move(b));
    return v;
  }
  static Value array(ArrayT a) {
    Value v;
    v.data_ = std::make_shared<const ArrayT>(std::move(a));
    return v;
  }
  // Normalises key order as JavaScript objects do (see the file comment).
  static Value object(ObjectT o);

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_undefined() const { return kind() == Kind::Undefined; }
  bool is_null() const { return kind() == Kind::Null; }

  // Accessors. REQUIRES: kind() matches; otherwise std::bad_variant_access.
  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  int64_t as_bigint() const { return std::get<BigIntT>(data_).v; }
  const std::string& as_string() const { return *std::get<StrP>(data_); }
  const BinaryT& as_binary() const { return *std::get<BinP>(data_); }
  const ArrayT& as_array() const { return *std::get<ArrP>(data_); }
  const ObjectT& as_object() const { return *std::get<ObjP>(data_); }

  // Deep structural equality; numbers compare numerically (Int 1 == Float 1.0, as in
  // JavaScript); NaN != NaN; object key order is ignored.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  struct NullTag {};
  struct BigIntT {
    int64_t v;
  };
  using StrP = std::shared_ptr<const std::string>;
  using BinP = std::shared_ptr<const BinaryT>;
  using ArrP = std::shared_ptr<const ArrayT>;
  using ObjP = std::shared_ptr<const ObjectT>;
  // The order of alternatives matches Kind.
  std::variant<std::monostate, NullTag, bool, int64_t, double, BigIntT, StrP, BinP, ArrP, ObjP>
      data_;
};

// JavaScript JSON.stringify of a value, byte for byte: no whitespace, object keys
// in stored order, ECMAScript number formatting (shortest round trip, 1e+21, 1e-7),
// NaN/Infinity -> null, undefined members omitted, undefined array elements -> null.
// Binary is written as JSON.stringify writes a Uint8Array ({"0":b0,"1":b1,...}).
// BigInt throws TypeMismatch (as JSON.stringify throws in JS).
std::string to_json(const Value& v);

// JSON.parse. Integral numbers (no fraction or exponent) within +-(2^53-1) read as
// Int, every other number as Float. Throws DecodeError on malformed text (and on
// nesting deeper than 512). The text "undefined" (how Yjs's ContentJSON writes JS
// undefined) is accepted only when allow_undefined is true and then yields Undefined.
Value from_json(std::string_view text, bool allow_undefined = false);

}  // namespace crdtcore
