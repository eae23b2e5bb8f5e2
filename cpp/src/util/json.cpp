// json.cpp — JSON text exactly as JavaScript's JSON.stringify writes it and as
// JSON.parse reads it (ECMA-262 §25.5). Yjs uses JSON text for v1 ContentEmbed /
// ContentFormat values and for ContentJSON in v1 and v2 (yjs-format.md §1.5).
//
// Numbers are formatted with ECMAScript Number::toString (ECMA-262 §6.1.6.1.20):
// std::to_chars gives the shortest round-trip digits s (k digits) and exponent
// (value = s × 10^(n−k)); those are then laid out by the ECMAScript rules:
//   k <= n <= 21   -> digits then n−k zeros            (1e20 -> "100000000000000000000")
//   0 < n <= 21    -> digits with a point after n       (1.5)
//   −6 < n <= 0    -> "0." then −n zeros then digits    (0.000001)
//   otherwise      -> d[.ddd]e±(n−1)                    (1e+21, 1e-7, 1.5e+300)
// Both produce, among shortest candidates, the one nearest the value (ties to even).
//
// Parsing: RFC 8259 grammar (JSON.parse accepts nothing more), whitespace = space,
// tab, LF, CR. Strings may only hold UTF-8 in this engine, so a lone surrogate
// escape (\ud800 without its pair) becomes U+FFFD, and invalid UTF-8 in the input
// text is replaced as TextDecoder would. Repeated object keys keep the first
// position and the last value (Value::object).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "crdtcore/error.h"
#include "crdtcore/value.h"
#include "util/utf.h"

namespace crdtcore {
namespace {

constexpr int kMaxDepth = 512;
constexpr uint64_t kTwoPow53 = uint64_t{1} << 53;
constexpr int64_t kMaxSafe = (int64_t{1} << 53) - 1;

// ---------------------------------------------------------------------------
// Writing

void append_js_number(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += "null";  // JSON.stringify(NaN / Infinity)
    return;
  }
  if (x == 0) {
    out += '0';  // also -0
    return;
  }
  if (x < 0) {
    out += '-';
    x = -x;
  }
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  // buf holds "d[.ddd]e±XX".
  char digits[20];
  int k = 0;
  const char* p = buf;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  ++p;  // 'e'
  int exp10 = 0;
  std::from_chars(*p == '+' ? p + 1 : p, res.ptr, exp10);
  const int n = exp10 + 1;

  if (k <= n && n <= 21) {
    out.append(digits, k);
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, n);
    out += '.';
    out.append(digits + n, k - n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out.append(digits, k);
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits + 1, k - 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
}

void append_int(std::string& out, int64_t v) {
  const uint64_t m = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  if (m > kTwoPow53) {
    append_js_number(out, static_cast<double>(v));  // what JS's Number(v) would print
    return;
  }
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_json_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_json(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:  // only reached for a top-level value
    case Value::Kind::Null: out += "null"; return;
    case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::Int: append_int(out, v.as_int()); return;
    case Value::Kind::Float: append_js_number(out, v.as_float()); return;
    case Value::Kind::BigInt: throw TypeMismatch("BigInt value cannot be serialised to JSON");
    case Value::Kind::String: append_json_string(out, v.as_string()); return;
    case Value::Kind::Binary: {
      // A Uint8Array serialises as an object with index keys.
      out += '{';
      const auto& b = v.as_binary();
      for (size_t i = 0; i < b.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        out += std::to_string(i);
        out += "\":";
        out += std::to_string(b[i]);
      }
      out += '}';
      return;
    }
    case Value::Kind::Array: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        append_json(out, e);  // undefined elements print as null
      }
      out += ']';
      return;
    }
    case Value::Kind::Object: {
      out += '{';
      bool first = true;
      for (const auto& [key, e] : v.as_object()) {
        if (e.is_undefined()) continue;
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json(out, e);
      }
      out += '}';
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// Parsing

class JsonParser {
 public:
  explicit JsonParser(std::string_view text)
      : p_(text.data()), begin_(p_), end_(p_ + text.size()) {}

  Value parse_document() {
    skip_ws();
    Value v = parse_value(0);
    skip_ws();
    if (p_ != end_) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw DecodeError(std::string("invalid JSON: ") + what + " at offset " +
                      std::to_string(p_ - begin_));
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  void expect_literal(const char* lit) {
    const size_t n = std::strlen(lit);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, lit, n) != 0) fail("unknown literal");
    p_ += n;
  }

  Value parse_value(int depth) {
    if (p_ == end_) fail("unexpected end of text");
    switch (*p_) {
      case '{': return parse_object(depth);
      case '[': return parse_array(depth);
      case '"': return Value::string(parse_string());
      case 't': expect_literal("true"); return Value::boolean(true);
      case 'f': expect_literal("false"); return Value::boolean(false);
      case 'n': expect_literal("null"); return Value::null();
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return parse_number();
        fail("unexpected character");
    }
  }

  Value parse_array(int depth) {
    if (depth >= kMaxDepth) fail("nesting deeper than 512");
    ++p_;  // '['
    Value::ArrayT a;
    skip_ws();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return Value::array(std::move(a));
    }
    for (;;) {
      skip_ws();
      a.push_back(parse_value(depth + 1));
      skip_ws();
      if (p_ == end_) fail("unterminated array");
      if (*p_ == ']') break;
      if (*p_ != ',') fail("expected ',' or ']'");
      ++p_;
    }
    ++p_;
    return Value::array(std::move(a));
  }

  Value parse_object(int depth) {
    if (depth >= kMaxDepth) fail("nesting deeper than 512");
    ++p_;  // '{'
    Value::ObjectT o;
    skip_ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return Value::object(std::move(o));
    }
    for (;;) {
      skip_ws();
      if (p_ == end_ || *p_ != '"') fail("expected a string key");
      std::string key = parse_string();
      skip_ws();
      if (p_ == end_ || *p_ != ':') fail("expected ':'");
      ++p_;
      skip_ws();
      Value value = parse_value(depth + 1);
      o.emplace_back(std::move(key), std::move(value));
      skip_ws();
      if (p_ == end_) fail("unterminated object");
      if (*p_ == '}') break;
      if (*p_ != ',') fail("expected ',' or '}'");
      ++p_;
    }
    ++p_;
    return Value::object(std::move(o));
  }

  int hex_digit(char c) const {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    fail("bad \\u escape");
  }

  // After "\u": four hex digits.
  uint32_t read_hex4() {
    if (end_ - p_ < 4) fail("bad \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 4) | static_cast<uint32_t>(hex_digit(*p_++));
    return v;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string parse_string() {
    ++p_;  // opening quote
    std::string out;
    const char* run = p_;
    for (;;) {
      if (p_ == end_) fail("unterminated string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) fail("control character in string");
      if (c != '\\') {
        ++p_;
        continue;
      }
      out.append(run, p_);
      ++p_;  // backslash
      if (p_ == end_) fail("unterminated string");
      const char e = *p_++;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = read_hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // Combine with a following \uDC00..\uDFFF; otherwise a lone surrogate.
            if (end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
              const char* save = p_;
              p_ += 2;
              const uint32_t lo = read_hex4();
              if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              } else {
                p_ = save;
                cp = 0xFFFD;
              }
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
      run = p_;
    }
    out.append(run, p_);
    ++p_;  // closing quote
    return out;
  }

  Value parse_number() {
    const char* start = p_;
    bool negative = false;
    if (*p_ == '-') {
      negative = true;
      ++p_;
    }
    const char* int_start = p_;
    if (p_ == end_ || !(*p_ >= '0' && *p_ <= '9')) fail("bad number");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    const size_t int_digits = static_cast<size_t>(p_ - int_start);
    bool integral = true;
    if (p_ != end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || !(*p_ >= '0' && *p_ <= '9')) fail("bad number");
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !(*p_ >= '0' && *p_ <= '9')) fail("bad number");
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }

    if (integral && int_digits <= 16) {
      int64_t m = 0;
      std::from_chars(int_start, p_, m);
      if (m == 0 && negative) return Value::floating(-0.0);  // JSON.parse("-0") is -0
      if (m <= kMaxSafe) return Value::integer(negative ? -m : m);
    }
    double d = 0;
    const auto res = std::from_chars(start, p_, d);
    if (res.ec == std::errc::result_out_of_range) {
      // The correctly rounded value is +-Infinity or +-0; which one depends on
      // whether the magnitude is above or below 1.
      d = magnitude_at_least_one(int_start) ? HUGE_VAL : 0.0;
      if (negative) d = -d;
    } else if (res.ec != std::errc() || res.ptr != p_) {
      fail("bad number");
    }
    return Value::floating(d);
  }

  // For a grammatical number literal without its sign: whether its value >= 1.
  bool magnitude_at_least_one(const char* q) const {
    // Decimal position of the first non-zero digit, relative to the units digit.
    int64_t lead = 0;
    bool seen = false;
    bool in_fraction = false;
    int64_t int_len = 0;
    int64_t frac_zeros = 0;
    for (; q != p_ && *q != 'e' && *q != 'E'; ++q) {
      if (*q == '.') {
        in_fraction = true;
        continue;
      }
      if (!in_fraction) {
        if (seen || *q != '0') {
          seen = true;
          ++int_len;
        }
      } else if (!seen) {
        if (*q != '0') {
          seen = true;
        } else {
          ++frac_zeros;
        }
      }
    }
    if (!seen) return false;  // the value is zero
    lead = int_len > 0 ? int_len - 1 : -(frac_zeros + 1);
    int64_t exp10 = 0;
    if (q != p_) {
      ++q;  // 'e'
      bool neg = false;
      if (*q == '+' || *q == '-') neg = *q++ == '-';
      for (; q != p_; ++q) exp10 = std::min<int64_t>(exp10 * 10 + (*q - '0'), int64_t{1} << 40);
      if (neg) exp10 = -exp10;
    }
    return lead + exp10 >= 0;
  }

  const char* p_;
  const char* begin_;
  const char* end_;
};

}  // namespace

std::string to_json(const Value& v) {
  if (v.is_undefined()) return "undefined";  // how Yjs's ContentJSON writes undefined
  std::string out;
  append_json(out, v);
  return out;
}

Value from_json(std::string_view text, bool allow_undefined) {
  if (allow_undefined && text == "undefined") return Value::undefined();
  if (!detail::utf8_is_valid(text)) {
    std::string clean;
    detail::append_utf8_sanitized(clean, text);
    return JsonParser(clean).parse_document();
  }
  return JsonParser(text).parse_document();
}

}  // namespace crdtcore
