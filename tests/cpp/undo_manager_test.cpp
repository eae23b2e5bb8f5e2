// Tests for crdtcore/undo_manager.h: undo/redo of text, array and map changes, capture
// timeout with an injected clock, tracked origins, remote content left alone, parent
// types re-created on redo, kept (not garbage-collected) deleted content, clear(),
// stack-item events, and sticky indices following redone content.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::str;
using testutil::sync_pair;

UndoOptions no_timeout() {
  UndoOptions o;
  o.capture_timeout_ms = 0;
  return o;
}

TEST(UndoManager, TextUndoRedo) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  UndoManager um(t, no_timeout());
  t.insert(0, "hello");
  t.insert(5, " world");
  EXPECT_EQ(um.undo_stack_size(), 2u);
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(t.to_string(), "hello");
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(t.to_string(), "");
  EXPECT_FALSE(um.undo());
  EXPECT_EQ(um.redo_stack_size(), 2u);
  EXPECT_TRUE(um.redo());
  EXPECT_EQ(t.to_string(), "hello");
  EXPECT_TRUE(um.redo());
  EXPECT_EQ(t.to_string(), "hello world");
  EXPECT_FALSE(um.redo());
  // Undo a deletion: the deleted text comes back.
  t.remove_range(0, 6);
  EXPECT_EQ(t.to_string(), "world");
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(t.to_string(), "hello world");
}

TEST(UndoManager, CaptureTimeoutWithInjectedClock) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  auto now = std::make_shared<uint64_t>(1000);
  int calls = 0;
  UndoOptions o;
  o.capture_timeout_ms = 100;
  o.clock = [now, &calls] {
    ++calls;
    return *now;
  };
  UndoManager um(t, o);
  t.insert(0, "a");
  *now += 50;
  t.insert(1, "b");  // within 100 ms: same stack item
  *now += 100;
  t.insert(2, "c");  // 100 ms later: a new one
  EXPECT_EQ(um.undo_stack_size(), 2u);
  um.stop_capturing();
  t.insert(3, "d");
  EXPECT_EQ(um.undo_stack_size(), 3u);
  EXPECT_EQ(calls, 4);
  um.undo();
  um.undo();
  EXPECT_EQ(t.to_string(), "ab");
  um.undo();
  EXPECT_EQ(t.to_string(), "");
}

TEST(UndoManager, TrackedOrigins) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  UndoManager um(t, no_timeout());
  int other = 0;
  int mine = 0;
  {
    Transaction txn(doc, &other);
    t.insert(0, "x");
  }
  EXPECT_FALSE(um.can_undo());
  um.include_origin(&mine);
  {
    Transaction txn(doc, &mine);
    t.insert(1, "y");
  }
  EXPECT_TRUE(um.can_undo());
  um.exclude_origin(nullptr);
  t.insert(2, "z");  // null origin no longer tracked
  EXPECT_EQ(um.undo_stack_size(), 1u);
  um.undo();
  EXPECT_EQ(t.to_string(), "xz");
}

TEST(UndoManager, ScopeLimitsTracking) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  Array a = doc.get_array("a");
  UndoManager um(t, no_timeout());
  a.insert(0, {Value::integer(1)});
  EXPECT_FALSE(um.can_undo());
  um.expand_scope(a);
  a.insert(1, {Value::integer(2)});
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(a.length(), 1u);
  Doc other = make_doc(2);
  EXPECT_THROW(um.expand_scope(other.get_text("t")), InvalidState);
}

// Remote updates arrive with an untracked origin (as providers do; Yjs tracks the null
// origin, so a remote update applied without one would be undone like a local change).
const int kRemote = 0;

void remote_sync(Doc& a, Doc& b) {
  for (auto [from, to] : {std::pair<Doc*, Doc*>{&a, &b}, {&b, &a}}) {
    const Bytes sv = to->encode_state_vector();
    to->apply_update(from->encode_state_as_update(&sv), &kRemote);
  }
}

// Expected values from Yjs 13.6 (the same steps in node).
TEST(UndoManager, RemoteContentIsNeverTouched) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  Text tb = b.get_text("t");
  UndoManager um(ta, no_timeout());
  ta.insert(0, "AAA");
  remote_sync(a, b);
  tb.insert(3, "BBB");  // remote append
  remote_sync(a, b);
  ta.remove_range(0, 6);  // the local user deletes everything, B's text too
  remote_sync(a, b);
  EXPECT_EQ(tb.to_string(), "");
  EXPECT_TRUE(um.undo());  // the deletion was ours: both come back
  EXPECT_EQ(ta.to_string(), "AAABBB");
  EXPECT_TRUE(um.undo());  // removes only our insertion
  EXPECT_EQ(ta.to_string(), "BBB");
  remote_sync(a, b);
  EXPECT_EQ(tb.to_string(), "BBB");
  tb.insert(0, "C");
  remote_sync(a, b);
  EXPECT_TRUE(um.redo());
  EXPECT_EQ(ta.to_string(), "AAACBBB");
  EXPECT_TRUE(um.redo());
  EXPECT_EQ(ta.to_string(), "C");  // B's later "C" stays
}

TEST(UndoManager, NullOriginRemoteUpdatesAreTracked) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  UndoManager um(ta, no_timeout());
  b.get_text("t").insert(0, "remote");
  testutil::send(b, a);  // apply_update without an origin: Yjs tracks it
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(ta.to_string(), "");
}

TEST(UndoManager, MapOverwrites) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Map ma = a.get_map("m");
  Map mb = b.get_map("m");
  UndoManager um(ma, no_timeout());
  ma.set("k", str("v1"));
  ma.set("k", str("v2"));
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(to_json(ma.to_value()), R"({"k":"v1"})");
  remote_sync(a, b);
  mb.set("k", str("remote"));
  remote_sync(a, b);
  // Our first write was overwritten by another user: undoing it changes nothing.
  EXPECT_FALSE(um.undo());
  EXPECT_EQ(to_json(ma.to_value()), R"({"k":"remote"})");
  EXPECT_FALSE(um.redo());
}

TEST(UndoManager, RedoRecreatesDeletedParent) {
  Doc doc = make_doc(1);
  Map root = doc.get_map("root");
  UndoManager um(root, no_timeout());
  Text inner = root.set_type("inner", TypeKind::Text).as_text();
  inner.insert(0, "abc");
  um.stop_capturing();
  root.remove("inner");
  EXPECT_EQ(to_json(root.to_value()), "{}");
  EXPECT_TRUE(um.undo());  // re-creates the text type and its content
  EXPECT_EQ(to_json(root.to_value()), R"({"inner":"abc"})");
  Text again = root.get("inner")->shared().as_text();
  again.insert(3, "d");
  EXPECT_EQ(um.undo_stack_size(), 3u);
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(to_json(root.to_value()), R"({"inner":"abc"})");
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(to_json(root.to_value()), R"({"inner":""})");
  EXPECT_TRUE(um.undo());
  EXPECT_EQ(to_json(root.to_value()), "{}");
  EXPECT_FALSE(um.undo());
  EXPECT_TRUE(um.redo());
  EXPECT_EQ(to_json(root.to_value()), R"({"inner":""})");
  EXPECT_TRUE(um.redo());  // into the re-created type
  EXPECT_EQ(to_json(root.to_value()), R"({"inner":"abc"})");
  EXPECT_TRUE(um.redo());
  EXPECT_EQ(to_json(root.to_value()), R"({"inner":"abcd"})");
}

TEST(UndoManager, DeletedContentIsKeptUntilClear) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  UndoManager um(t, no_timeout());
  t.insert(0, "hello");
  t.remove_range(0, 5);
  const Bytes kept = doc.encode_state_as_update();
  // The deleted string is still there (not ContentDeleted).
  EXPECT_NE(std::string(kept.begin(), kept.end()).find("hello"), std::string::npos);
  um.clear();
  EXPECT_FALSE(um.can_undo());
  Doc plain = make_doc(1);
  plain.get_text("t").insert(0, "hello");
  plain.get_text("t").remove_range(0, 5);
  const Bytes gone = plain.encode_state_as_update();
  EXPECT_EQ(std::string(gone.begin(), gone.end()).find("hello"), std::string::npos);
}

TEST(UndoManager, StackItemEvents) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  UndoOptions o;
  o.capture_timeout_ms = 1000;
  o.clock = [] { return uint64_t{5000}; };
  UndoManager um(t, o);
  std::vector<std::string> log;
  auto record = [&log](const char* what) {
    return [&log, what](const StackItemEvent& e) {
      log.push_back(std::string(what) + (e.stack == UndoStack::Undo ? ":undo:" : ":redo:") +
                    std::to_string(e.stack_item));
    };
  };
  um.on(UndoManager::EventKind::Added, record("added"));
  um.on(UndoManager::EventKind::Updated, record("updated"));
  const auto popped = um.on(UndoManager::EventKind::Popped, record("popped"));
  t.insert(0, "a");
  t.insert(1, "b");
  um.undo();
  EXPECT_TRUE(um.off(popped));
  um.redo();
  const std::vector<std::string> expected = {"added:undo:1", "updated:undo:1", "added:redo:2",
                                             "popped:undo:1", "added:undo:3"};
  EXPECT_EQ(log, expected);
}

TEST(UndoManager, FormattingUndo) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  t.insert(0, "hello");
  UndoManager um(t, no_timeout());
  t.format(0, 5, {{"bold", Value::boolean(true)}});
  ASSERT_EQ(t.to_delta().size(), 1u);
  EXPECT_FALSE(t.to_delta()[0].attributes.empty());
  EXPECT_TRUE(um.undo());
  EXPECT_TRUE(t.to_delta()[0].attributes.empty());
  EXPECT_TRUE(um.redo());
  EXPECT_FALSE(t.to_delta()[0].attributes.empty());
}

TEST(UndoManager, StickyIndexFollowsRedone) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  UndoManager um(t, no_timeout());
  t.insert(0, "abcdef");
  um.stop_capturing();
  const StickyIndex at_d = StickyIndex::from_index(t, 3, Assoc::After);
  t.remove_range(2, 3);  // "abf"
  EXPECT_EQ(at_d.resolve(doc)->index, 2u);
  um.undo();  // "cde" re-created as new items
  EXPECT_EQ(t.to_string(), "abcdef");
  EXPECT_EQ(at_d.resolve(doc)->index, 3u);
}

TEST(UndoManager, UndoInsideTransactionIsRefused) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  UndoManager um(t, no_timeout());
  t.insert(0, "a");
  Transaction txn(doc);
  EXPECT_THROW(um.undo(), InvalidState);
}

TEST(UndoManager, ManagerOutlivedByNothing) {
  // Destroying the manager detaches it; later transactions commit normally.
  Doc doc = make_doc(1);
  Text t = doc.get_text("t");
  {
    UndoManager um(t, no_timeout());
    t.insert(0, "a");
  }
  t.insert(1, "b");
  EXPECT_EQ(t.to_string(), "ab");
}

}  // namespace
}  // namespace crdtcore
