// Tests for the split form of Doc::apply_update: crdtcore::decode_update (update.h) and
// Doc::apply_decoded (doc.h). Decoding then applying must be indistinguishable from
// apply_update (content, state, observers, pending data), malformed bytes must throw before
// any document is involved, and a decoded update must only reach a document of its unit.

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::dump_doc;
using testutil::make_doc;
using testutil::str;
using testutil::UpdateLog;

// What an observer saw, as comparable text.
struct Seen {
  std::vector<std::string> events;
  Doc::ObserverId watch(Doc& d) {
    return d.observe([this](const TransactionResult& r) {
      events.push_back(std::string(r.local ? "local " : "remote ") +
                       (r.origin == nullptr ? "-" : static_cast<const char*>(r.origin)) + " " +
                       std::to_string(r.update.size()) + " " +
                       std::to_string(r.after_state.encode().size()));
    });
  }
};

// Updates of two peers editing a Text (with astral characters and formatting), an Array
// and a Map, including deletions and concurrent edits.
std::vector<Bytes> edit_history(OffsetKind kind) {
  Doc a = make_doc(1, true, kind);
  Doc b = make_doc(2, true, kind);
  UpdateLog log_a(a, /*local_only=*/true);
  UpdateLog log_b(b, /*local_only=*/true);
  a.get_text("t").insert(0, "hello 😀 world");
  testutil::sync_pair(a, b);
  b.get_text("t").insert(6, "dear 🎉 ");
  a.get_text("t").remove_range(0, 1);
  a.get_text("t").format(0, 3, {{"bold", Value::boolean(true)}});
  b.get_array("arr").insert(0, {Value::integer(1), str("two"), Value::null()});
  a.get_map("m").set("k", str("v"));
  b.get_map("m").set("k", str("w"));
  testutil::sync_pair(a, b);
  b.get_array("arr").remove_range(1, 1);
  a.get_text("t").insert(2, "ü");
  std::vector<Bytes> out = log_a.all();
  out.insert(out.end(), log_b.all().begin(), log_b.all().end());
  return out;
}

class DecodedUpdateKinds : public ::testing::TestWithParam<OffsetKind> {};

TEST_P(DecodedUpdateKinds, DecodeThenApplyEqualsApplyUpdate) {
  const OffsetKind kind = GetParam();
  const std::vector<Bytes> updates = edit_history(kind);
  ASSERT_GE(updates.size(), 6u);
  // In order, then reversed (pending structs and deletes), then again (duplicates).
  std::vector<Bytes> delivery(updates.rbegin(), updates.rend());
  delivery.insert(delivery.end(), updates.begin(), updates.end());

  Doc direct = make_doc(10, true, kind);
  Doc split = make_doc(10, true, kind);
  Seen seen_direct;
  Seen seen_split;
  seen_direct.watch(direct);
  seen_split.watch(split);
  static const char kOrigin[] = "peer";
  for (const Bytes& u : delivery) {
    direct.apply_update(u, kOrigin);
    DecodedUpdate decoded = decode_update(u, kind);
    EXPECT_TRUE(decoded.valid());
    EXPECT_EQ(decoded.offset_kind(), kind);
    split.apply_decoded(std::move(decoded), kOrigin);
    EXPECT_FALSE(decoded.valid());  // NOLINT(bugprone-use-after-move): consumed
    ASSERT_EQ(split.encode_state_as_update(), direct.encode_state_as_update());
    ASSERT_EQ(split.has_pending(), direct.has_pending());
  }
  EXPECT_FALSE(split.has_pending());
  EXPECT_EQ(dump_doc(split), dump_doc(direct));
  EXPECT_EQ(split.get_text("t").to_string(), direct.get_text("t").to_string());
  EXPECT_EQ(split.get_text("t").length(), direct.get_text("t").length());
  EXPECT_EQ(seen_split.events, seen_direct.events);
  EXPECT_FALSE(seen_split.events.empty());
  EXPECT_EQ(seen_split.events.front().rfind("remote peer ", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, DecodedUpdateKinds,
                         ::testing::Values(OffsetKind::Utf16, OffsetKind::CodePoint,
                                           OffsetKind::Utf8));

TEST(DecodedUpdate, MalformedBytesThrowDecodeErrorAsApplyUpdate) {
  const Bytes good = edit_history(OffsetKind::Utf16).front();
  Doc d = make_doc(1);
  d.get_text("t").insert(0, "keep");
  UpdateLog log(d);
  const Bytes before = d.encode_state_as_update();
  // Every strict prefix lacks at least the delete set's last byte.
  for (size_t cut = 0; cut < good.size(); ++cut) {
    const Bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_THROW(d.apply_update(truncated), DecodeError) << "cut at " << cut;
    EXPECT_THROW(decode_update(truncated, d.offset_kind()), DecodeError) << "cut at " << cut;
    EXPECT_THROW(validate_update(truncated.data(), truncated.size()), DecodeError);
  }
  EXPECT_EQ(d.encode_state_as_update(), before);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_NO_THROW(decode_update(good.data(), good.size(), OffsetKind::Utf8));
}

TEST(DecodedUpdate, DecodeErrorLeavesDocUnchanged) {
  Doc d = make_doc(1);
  d.get_text("t").insert(0, "ab");
  UpdateLog log(d);
  const Bytes before = d.encode_state_as_update();
  Bytes bad = edit_history(OffsetKind::Utf16).front();
  bad.resize(bad.size() - 3);
  EXPECT_THROW(d.apply_decoded(decode_update(bad, d.offset_kind())), DecodeError);
  EXPECT_EQ(d.encode_state_as_update(), before);
  EXPECT_FALSE(d.has_pending());
  EXPECT_FALSE(d.in_transaction());
  EXPECT_EQ(log.size(), 0u);
}

TEST(DecodedUpdate, OtherOffsetKindIsRejectedAndChangesNothing) {
  const Bytes u = edit_history(OffsetKind::CodePoint).front();
  Doc d = make_doc(1, true, OffsetKind::CodePoint);
  UpdateLog log(d);
  DecodedUpdate decoded = decode_update(u, OffsetKind::Utf16);
  EXPECT_THROW(d.apply_decoded(std::move(decoded)), std::invalid_argument);
  EXPECT_TRUE(decoded.valid());  // NOLINT(bugprone-use-after-move): not consumed
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{0, 0}));
  EXPECT_FALSE(d.in_transaction());
  EXPECT_EQ(log.size(), 0u);
  Doc utf16 = make_doc(2, true, OffsetKind::Utf16);
  utf16.apply_decoded(std::move(decoded));
  EXPECT_EQ(utf16.get_text("t").to_string(), "hello 😀 world");
  EXPECT_EQ(utf16.get_text("t").length(), 14u);  // the emoji is 2 UTF-16 units
}

TEST(DecodedUpdate, ConsumedUpdateIsRejected) {
  const Bytes u = edit_history(OffsetKind::Utf16).front();
  Doc d = make_doc(1);
  DecodedUpdate decoded = decode_update(u, OffsetKind::Utf16);
  d.apply_decoded(std::move(decoded));
  const Bytes after = d.encode_state_as_update();
  EXPECT_THROW(d.apply_decoded(std::move(decoded)), std::invalid_argument);
  DecodedUpdate moved = decode_update(u, OffsetKind::Utf16);
  DecodedUpdate target = std::move(moved);
  EXPECT_FALSE(moved.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(target.valid());
  EXPECT_THROW(d.apply_decoded(std::move(moved)), std::invalid_argument);
  EXPECT_EQ(d.encode_state_as_update(), after);
}

TEST(DecodedUpdate, TransactionRulesAreApplyUpdates) {
  const Bytes u = edit_history(OffsetKind::Utf16).front();
  static const char kMine[] = "mine";
  static const char kOther[] = "other";
  Doc d = make_doc(5);  // not a client of edit_history
  Seen seen;
  seen.watch(d);
  DecodedUpdate decoded = decode_update(u, OffsetKind::Utf16);
  d.begin_transaction(kMine);
  d.get_text("t").insert(0, "x");
  // Another origin's transaction is open: InvalidState, and the update is kept.
  EXPECT_THROW(d.apply_decoded(std::move(decoded), kOther), InvalidState);
  EXPECT_TRUE(decoded.valid());  // NOLINT(bugprone-use-after-move)
  // Joined: the transaction stays local, as apply_update inside one.
  d.apply_decoded(std::move(decoded));
  d.commit_transaction();
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].rfind("local mine ", 0), 0u);
  EXPECT_EQ(d.get_text("t").to_string(), "hello 😀 worldx");  // client 1 < 5 goes first
  EXPECT_EQ(d.client_id(), 5u);
}

// A consumed update's storage serves the thread's next decode (encoding/decoded_update.h):
// updates with more, then fewer client blocks and delete-set clients, each after a malformed
// one (its decode fails half-way through reused storage), must apply exactly as on a document
// that got only the good ones; and an update held while others are decoded and applied keeps
// its own content.
TEST(DecodedUpdate, ReusedStorageCarriesNothingOver) {
  std::vector<Bytes> updates = edit_history(OffsetKind::Utf16);
  const Bytes all = merge_updates(updates);  // two clients' blocks and deletes
  std::vector<Bytes> delivery{all};
  delivery.insert(delivery.end(), updates.rbegin(), updates.rend());
  delivery.push_back(all);

  Doc clean = make_doc(10);
  Doc d = make_doc(10);
  for (const Bytes& u : delivery) {
    Bytes bad = u;
    bad.resize(bad.size() - 1);  // lacks the delete set's last byte
    EXPECT_THROW(d.apply_update(bad), DecodeError);
    clean.apply_update(u);
    d.apply_update(u);
    ASSERT_EQ(d.encode_state_as_update(), clean.encode_state_as_update());
  }
  EXPECT_EQ(dump_doc(d), dump_doc(clean));

  Doc held_doc = make_doc(11);
  Doc other = make_doc(12);
  DecodedUpdate held = decode_update(all, OffsetKind::Utf16);
  for (const Bytes& u : updates) other.apply_update(u);  // their storage is recycled
  held_doc.apply_decoded(std::move(held));
  EXPECT_EQ(dump_doc(held_doc), dump_doc(clean));
  EXPECT_EQ(dump_doc(other), dump_doc(clean));
}

// The point of the split: decoding needs no document, so it may run on another thread
// while the document is in use.
TEST(DecodedUpdate, DecodeOnAnotherThreadWhileTheDocumentIsEdited) {
  Doc big = make_doc(7);
  for (int i = 0; i < 2000; ++i) {
    big.get_text("t").insert(static_cast<uint64_t>(i % 5), "ab");
    big.get_array("a").insert(0, {Value::integer(i)});
  }
  const Bytes u = big.encode_state_as_update();
  Doc d = make_doc(1);
  std::vector<DecodedUpdate> decoded;
  std::thread worker([&] {
    for (int k = 0; k < 4; ++k) decoded.push_back(decode_update(u, OffsetKind::Utf16));
  });
  for (int i = 0; i < 500; ++i) d.get_map("m").set(std::to_string(i), Value::integer(i));
  worker.join();
  for (DecodedUpdate& one : decoded) d.apply_decoded(std::move(one));
  EXPECT_EQ(d.get_text("t").to_string(), big.get_text("t").to_string());
  EXPECT_EQ(d.get_array("a").length(), 2000u);
  EXPECT_EQ(d.get_map("m").size(), 500u);
}

}  // namespace
}  // namespace crdtcore
