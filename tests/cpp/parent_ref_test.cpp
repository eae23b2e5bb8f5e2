// Tests for core/parent_ref.h: an Item's parent in one word (a list parent, or a map
// entry's (type, key) pair interned per document).

#include "core/parent_ref.h"

#include <string>

#include <gtest/gtest.h>

#include "core/doc_state.h"
#include "crdtcore/doc.h"

namespace crdtcore::detail {
namespace {

TEST(ParentRef, AListParentHasNoKey) {
  DocImpl doc{DocOptions{}};
  Branch* text = doc.root("text", TypeKind::Text);
  const ParentRef ref(text);
  EXPECT_EQ(ref.branch(), text);
  EXPECT_EQ(ref.key(), nullptr);
  EXPECT_EQ(ParentRef().branch(), nullptr);
  EXPECT_EQ(ParentRef().key(), nullptr);
}

TEST(ParentRef, AMapEntryNamesItsTypeAndKeyInternedOnce) {
  DocImpl doc{DocOptions{}};
  Branch* map = doc.root("map", TypeKind::Map);
  Branch* other = doc.root("other", TypeKind::Map);
  const ParentRef a = doc.parent_ref(map, "k");
  EXPECT_EQ(a.branch(), map);
  ASSERT_NE(a.key(), nullptr);
  EXPECT_EQ(*a.key(), "k");
  EXPECT_EQ(a.key(), doc.intern("k"));
  // The same pair is one MapKey (items compare parents by this word); another key or
  // another type is another.
  EXPECT_EQ(doc.parent_ref(map, doc.intern("k")), a);
  EXPECT_NE(doc.parent_ref(map, "j"), a);
  const ParentRef b = doc.parent_ref(other, "k");
  EXPECT_NE(b, a);
  EXPECT_EQ(b.branch(), other);
  EXPECT_EQ(b.key(), a.key());
  // Many more pairs later, the first still reads the same (addresses are stable).
  for (int i = 0; i < 1000; ++i) doc.parent_ref(map, "key" + std::to_string(i));
  EXPECT_EQ(a.branch(), map);
  EXPECT_EQ(*a.key(), "k");
  EXPECT_NE(ParentRef(map), a);  // the list parent is not the map entry
}

}  // namespace
}  // namespace crdtcore::detail
