// Tests for crdtcore::Value (value.h, util/value.cpp): JS object key order and
// deep equality.

#include "crdtcore/value.h"

#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

namespace crdtcore {
namespace {

std::vector<std::string> keys_of(const Value& v) {
  std::vector<std::string> out;
  for (const auto& entry : v.as_object()) out.push_back(entry.first);
  return out;
}

Value::ObjectT pairs(const std::vector<std::string>& keys) {
  Value::ObjectT o;
  int i = 0;
  for (const auto& k : keys) o.emplace_back(k, Value::integer(i++));
  return o;
}

TEST(ValueObject, ArrayIndexKeysFirstAscending) {
  const Value v =
      Value::object(pairs({"b", "10", "2", "012", "-1", "4294967294", "4294967295", "a", "0"}));
  EXPECT_EQ(keys_of(v), (std::vector<std::string>{"0", "2", "10", "4294967294", "b", "012", "-1",
                                                  "4294967295", "a"}));
}

TEST(ValueObject, NonCanonicalNumbersAreOrdinaryKeys) {
  const Value v =
      Value::object(pairs({"z", "00", "", "+1", "1.0", " 1", "1 ", "1e3", "99999999999", "7"}));
  EXPECT_EQ(keys_of(v), (std::vector<std::string>{"7", "z", "00", "", "+1", "1.0", " 1", "1 ",
                                                  "1e3", "99999999999"}));
}

TEST(ValueObject, InsertionOrderKeptForOrdinaryKeys) {
  const Value v = Value::object(pairs({"c", "a", "b"}));
  EXPECT_EQ(keys_of(v), (std::vector<std::string>{"c", "a", "b"}));
}

TEST(ValueObject, DuplicateKeysKeepFirstPositionAndLastValue) {
  Value::ObjectT o = {{"a", Value::integer(1)},
                      {"b", Value::integer(2)},
                      {"a", Value::integer(3)},
                      {"5", Value::integer(4)},
                      {"5", Value::integer(5)}};
  const Value v = Value::object(std::move(o));
  ASSERT_EQ(keys_of(v), (std::vector<std::string>{"5", "a", "b"}));
  EXPECT_EQ(v.as_object()[0].second, Value::integer(5));
  EXPECT_EQ(v.as_object()[1].second, Value::integer(3));
  EXPECT_EQ(v.as_object()[2].second, Value::integer(2));
}

TEST(ValueObject, DuplicateKeysInLargeObject) {
  Value::ObjectT o;
  for (int i = 0; i < 20; ++i) o.emplace_back("k" + std::to_string(i % 7), Value::integer(i));
  const Value v = Value::object(std::move(o));
  ASSERT_EQ(v.as_object().size(), 7u);
  for (int k = 0; k < 7; ++k) {
    EXPECT_EQ(v.as_object()[k].first, "k" + std::to_string(k));
    const int last = k + 7 * ((19 - k) / 7);
    EXPECT_EQ(v.as_object()[k].second, Value::integer(last));
  }
}

TEST(ValueObject, EmptyObject) { EXPECT_TRUE(Value::object({}).as_object().empty()); }

TEST(ValueEquality, NumbersCompareNumerically) {
  // JavaScript has one number type: Int 1 and Float 1.0 are the same value.
  EXPECT_EQ(Value::integer(1), Value::floating(1.0));
  EXPECT_NE(Value::integer(1), Value::floating(1.5));
  EXPECT_NE(Value::floating(NAN), Value::floating(NAN));
}

TEST(ValueEquality, KindsMustMatch) {
  EXPECT_NE(Value::integer(1), Value::bigint(1));
  EXPECT_NE(Value::undefined(), Value::null());
  EXPECT_NE(Value::string("1"), Value::integer(1));
  EXPECT_NE(Value::binary({}), Value::array({}));
  EXPECT_NE(Value::array({}), Value::object({}));
}

TEST(ValueEquality, Scalars) {
  EXPECT_EQ(Value::undefined(), Value());
  EXPECT_EQ(Value::null(), Value::null());
  EXPECT_EQ(Value::boolean(true), Value::boolean(true));
  EXPECT_NE(Value::boolean(true), Value::boolean(false));
  EXPECT_EQ(Value::integer(-5), Value::integer(-5));
  EXPECT_NE(Value::integer(-5), Value::integer(5));
  EXPECT_EQ(Value::bigint(7), Value::bigint(7));
  EXPECT_NE(Value::floating(NAN), Value::floating(NAN));
  EXPECT_EQ(Value::floating(0.5), Value::floating(0.5));
  EXPECT_EQ(Value::string("x"), Value::string("x"));
  EXPECT_NE(Value::string("x"), Value::string("y"));
  EXPECT_EQ(Value::binary({1, 2}), Value::binary({1, 2}));
  EXPECT_NE(Value::binary({1, 2}), Value::binary({1, 3}));
}

TEST(ValueEquality, DeepContainers) {
  auto make = [](int leaf) {
    return Value::array(
        {Value::object({{"a", Value::array({Value::integer(leaf)})}}), Value::null()});
  };
  EXPECT_EQ(make(1), make(1));
  EXPECT_NE(make(1), make(2));
  EXPECT_NE(Value::array({Value::integer(1)}),
            Value::array({Value::integer(1), Value::integer(1)}));
  const Value with_nan = Value::array({Value::floating(NAN)});
  EXPECT_NE(with_nan, with_nan);  // NaN inside a container is still unequal
}

TEST(ValueEquality, ObjectsCompareByKeySet) {
  const Value ab = Value::object({{"a", Value::integer(1)}, {"b", Value::integer(2)}});
  const Value ba = Value::object({{"b", Value::integer(2)}, {"a", Value::integer(1)}});
  const Value ac = Value::object({{"a", Value::integer(1)}, {"c", Value::integer(2)}});
  const Value ab3 = Value::object({{"a", Value::integer(1)}, {"b", Value::integer(3)}});
  EXPECT_EQ(ab, ba);
  EXPECT_NE(ab, ac);
  EXPECT_NE(ab, ab3);
  EXPECT_NE(ab, Value::object({{"a", Value::integer(1)}}));
}

TEST(ValueAccess, WrongKindThrows) {
  EXPECT_THROW(Value::floating(1.0).as_int(), std::bad_variant_access);
  EXPECT_THROW(Value::null().as_string(), std::bad_variant_access);
  EXPECT_EQ(Value::bigint(-3).as_bigint(), -3);
  EXPECT_EQ(Value::string("s").kind(), Value::Kind::String);
}

}  // namespace
}  // namespace crdtcore
