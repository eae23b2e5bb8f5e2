// Tests for crdtcore/events.h: text, array and map events (delta, keys), deep events
// with paths, the order of calls, remote transactions, units (code points), and
// observer exceptions (ObserverErrors after a complete commit).

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::str;

// A compact rendering of a delta: "+text", "+[n]" (n values), "-n", "=n", with
// attributes as {k:v,...} (v: JSON-ish; null as null).
std::string render(const std::vector<DeltaOp>& delta) {
  std::string out;
  for (const DeltaOp& op : delta) {
    if (!out.empty()) out += " ";
    switch (op.kind) {
      case DeltaOp::Kind::Insert:
        out += op.is_text_insert() ? "+" + op.text : "+[" + std::to_string(op.values.size()) + "]";
        break;
      case DeltaOp::Kind::Delete: out += "-" + std::to_string(op.len); break;
      case DeltaOp::Kind::Retain: out += "=" + std::to_string(op.len); break;
    }
    if (!op.attributes.empty()) {
      out += "{";
      for (const auto& [k, v] : op.attributes) {
        out += k + ":";
        if (v.is_null()) {
          out += "null";
        } else if (v.kind() == Value::Kind::Bool) {
          out += v.as_bool() ? "true" : "false";
        } else {
          out += "?";
        }
        out += ",";
      }
      out += "}";
    }
  }
  return out;
}

TEST(Events, TextInsertDeleteRetain) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello");
  std::vector<std::string> seen;
  SubscriptionId id = t.observe([&](const Event& e) {
    EXPECT_TRUE(e.target.same(t));
    EXPECT_TRUE(e.current_target.same(t));
    EXPECT_TRUE(e.path.empty());
    seen.push_back(render(e.delta()));
  });
  t.insert(5, " world");
  t.remove_range(0, 1);
  {
    Transaction txn(d);
    t.insert(0, "H");
    t.remove_range(5, 6);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"=5 + world", "-1", "+H =4 -6"}));
  EXPECT_TRUE(t.unobserve(id));
  EXPECT_FALSE(t.unobserve(id));
  t.insert(0, "x");
  EXPECT_EQ(seen.size(), 3u);
}

TEST(Events, TextFormattingDelta) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "abcd");
  std::vector<std::string> seen;
  t.observe([&](const Event& e) { seen.push_back(render(e.delta())); });
  t.format(1, 2, {{"bold", Value::boolean(true)}});
  t.insert(4, "e", Attributes{{"bold", Value::boolean(true)}});
  t.format(1, 2, {{"bold", Value::null()}});
  // The last one is what Yjs 13.6 computes too: the unbold of "bc" deletes the
  // closing format item after "c", so "d" reads as changed and "e" as re-bolded.
  EXPECT_EQ(seen, (std::vector<std::string>{"=1 =2{bold:true,}", "=4 +e{bold:true,}",
                                            "=1 =3{bold:null,} =1{bold:true,}"}));
}

TEST(Events, CodePointUnits) {
  Doc d = make_doc(1, true, OffsetKind::CodePoint);
  Text t = d.get_text("t");
  t.insert(0,
           "a\xF0\x9F\x98\x80"
           "b");  // a😀b
  std::vector<std::string> seen;
  t.observe([&](const Event& e) { seen.push_back(render(e.delta())); });
  t.remove_range(1, 1);
  t.insert(2, "c");
  EXPECT_EQ(seen, (std::vector<std::string>{"=1 -1", "=2 +c"}));
}

TEST(Events, ArrayDeltaAndNestedTypes) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  a.insert(0, {Value::integer(1), Value::integer(2), Value::integer(3)});
  std::vector<Event> events;
  a.observe([&](const Event& e) { events.push_back(e); });
  {
    Transaction txn(d);
    a.remove_range(1, 1);
    a.insert(2, {Value::integer(4)});
    a.insert_type(0, TypeKind::Map);
  }
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(render(events[0].delta()), "+[1] =1 -1 =1 +[1]");
  EXPECT_TRUE(events[0].delta()[0].values[0].is_shared());
  EXPECT_EQ(events[0].delta()[0].values[0].shared().kind(), TypeKind::Map);
  EXPECT_EQ(events[0].delta()[4].values[0].value(), Value::integer(4));
}

TEST(Events, ChangesAddedAndDeletedItems) {
  Doc d = make_doc(4);
  Array a = d.get_array("a");
  a.insert(0, {Value::integer(1), Value::integer(2), Value::integer(3)});  // (4,0) len 3
  Text t = d.get_text("t");
  t.insert(0, "ab");
  std::vector<Event> events;
  a.observe([&](const Event& e) { events.push_back(e); });
  t.observe([&](const Event& e) { events.push_back(e); });
  {
    Transaction txn(d);
    a.remove_range(1, 1);              // splits: (4,1) len 1 deleted
    a.insert(0, {Value::integer(9)});  // (4,5) added
    a.insert(3, {Value::integer(8)});  // added and deleted here: neither
    a.remove_range(3, 1);
    t.insert(1, "x");
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].added(), (std::vector<ItemRange>{{Id{4, 5}, 1}}));
  EXPECT_EQ(events[0].deleted(), (std::vector<ItemRange>{{Id{4, 1}, 1}}));
  // A Text reports its changes as the delta only (Yjs YTextEvent.changes).
  EXPECT_TRUE(events[1].added().empty());
  EXPECT_TRUE(events[1].deleted().empty());
  EXPECT_EQ(events[1].delta().size(), 2u);
}

TEST(Events, MapKeys) {
  Doc d = make_doc(1);
  Map m = d.get_map("m");
  m.set("a", Value::integer(1));
  m.set("b", Value::integer(2));
  std::vector<Event> events;
  m.observe([&](const Event& e) { events.push_back(e); });
  {
    Transaction txn(d);
    m.set("a", Value::integer(10));
    m.remove("b");
    m.set("c", str("x"));
    m.set("d", Value::integer(1));
    m.remove("d");  // added and removed in one transaction: no change
  }
  ASSERT_EQ(events.size(), 1u);
  const auto& keys = events[0].keys;
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].first, "a");
  EXPECT_EQ(keys[0].second.action, KeyChange::Action::Update);
  EXPECT_EQ(keys[0].second.old_value.value(), Value::integer(1));
  EXPECT_EQ(keys[0].second.new_value.value(), Value::integer(10));
  EXPECT_EQ(keys[1].first, "b");
  EXPECT_EQ(keys[1].second.action, KeyChange::Action::Delete);
  EXPECT_EQ(keys[1].second.old_value.value(), Value::integer(2));
  EXPECT_EQ(keys[2].first, "c");
  EXPECT_EQ(keys[2].second.action, KeyChange::Action::Add);
  EXPECT_EQ(keys[2].second.new_value.value(), str("x"));
  EXPECT_TRUE(events[0].delta().empty());
}

TEST(Events, DeepEventsPathsAndOrder) {
  Doc d = make_doc(1);
  Map root = d.get_map("root");
  Array list = root.set_type("list", TypeKind::Array).as_array();
  list.insert(0, {Value::integer(0)});
  Text inner = list.insert_type(1, TypeKind::Text).as_text();
  std::vector<std::string> calls;
  root.observe([&](const Event&) { calls.push_back("root"); });
  inner.observe([&](const Event&) { calls.push_back("inner"); });
  std::vector<std::vector<Event>> deep;
  root.observe_deep([&](const std::vector<Event>& evs) {
    calls.push_back("deep");
    deep.push_back(evs);
  });
  d.observe([&](const TransactionResult&) { calls.push_back("doc"); });
  {
    Transaction txn(d);
    inner.insert(0, "hi");
    root.set("k", Value::integer(1));
    list.insert(0, {Value::integer(9)});
  }
  EXPECT_EQ(calls, (std::vector<std::string>{"inner", "root", "deep", "doc"}));
  ASSERT_EQ(deep.size(), 1u);
  ASSERT_EQ(deep[0].size(), 3u);
  // Shallowest first: root (path []), list ([list]), inner ([list, 2]).
  EXPECT_TRUE(deep[0][0].target.same(root));
  EXPECT_TRUE(deep[0][0].path.empty());
  EXPECT_TRUE(deep[0][1].target.same(list));
  ASSERT_EQ(deep[0][1].path.size(), 1u);
  EXPECT_EQ(deep[0][1].path[0].key, "list");
  EXPECT_TRUE(deep[0][2].target.same(inner));
  ASSERT_EQ(deep[0][2].path.size(), 2u);
  EXPECT_EQ(deep[0][2].path[1].index, 2u);
  EXPECT_EQ(render(deep[0][2].delta()), "+hi");
  EXPECT_TRUE(deep[0][2].current_target.same(root));
}

TEST(Events, RemoteTransactionsAndNewTypes) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  std::vector<Event> events;
  Array arr = b.get_array("a");
  arr.observe_deep([&](const std::vector<Event>& evs) {
    for (const Event& e : evs) events.push_back(e);
  });
  Array src = a.get_array("a");
  Text nested = src.insert_type(0, TypeKind::Text).as_text();
  nested.insert(0, "xy");
  b.apply_update(a.encode_state_as_update());
  // One event: the array got a text (the text itself is new, so no event of its own).
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].local);
  EXPECT_EQ(render(events[0].delta()), "+[1]");
  const Bytes sv = b.encode_state_vector();
  nested.insert(2, "z");
  b.apply_update(a.encode_state_as_update(&sv));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(render(events[1].delta()), "=2 +z");
  ASSERT_EQ(events[1].path.size(), 1u);
  EXPECT_EQ(events[1].path[0].index, 0u);
}

TEST(Events, DeletedTypesGetNoEvents) {
  Doc d = make_doc(1);
  Map root = d.get_map("root");
  Text t = root.set_type("t", TypeKind::Text).as_text();
  int calls = 0;
  t.observe([&](const Event&) { ++calls; });
  {
    Transaction txn(d);
    t.insert(0, "x");
    root.remove("t");
  }
  EXPECT_EQ(calls, 0);
}

TEST(Events, ExceptionsAreCollectedAfterCommit) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  int later = 0;
  t.observe([](const Event&) { throw std::runtime_error("first"); });
  t.observe([&](const Event&) { ++later; });
  t.observe_deep([](const std::vector<Event>&) { throw std::runtime_error("second"); });
  try {
    t.insert(0, "x");
    Transaction txn(d);
    FAIL() << "no exception";
  } catch (const ObserverErrors& e) {
    EXPECT_EQ(e.errors().size(), 2u);
  }
  EXPECT_EQ(later, 1);
  EXPECT_EQ(t.to_string(), "x");
  EXPECT_FALSE(d.in_transaction());
}

TEST(Events, NoObserversNoWork) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  SubscriptionId id = t.observe([](const Event&) {});
  EXPECT_TRUE(t.unobserve(id));
  t.insert(0, "x");  // nothing observes: dispatch is skipped
  EXPECT_EQ(t.to_string(), "x");
}

}  // namespace
}  // namespace crdtcore
