#include <cstdio>
#include <string>

#include <crdtcore/crdtcore.h>

// Sends `to` what it is missing from `from` (a Yjs v1 update computed from its state vector).
static void sync(crdtcore::Doc& from, crdtcore::Doc& to) {
  crdtcore::Bytes state = to.encode_state_vector();
  crdtcore::Bytes update = from.encode_state_as_update(&state);
  to.apply_update(update);
}

int main() {
  crdtcore::DocOptions options;
  options.client_id = 1;  // default: a random id
  crdtcore::Doc alice(options);
  crdtcore::Doc bob;

  crdtcore::Text alice_text = alice.get_text("notes");
  crdtcore::Text bob_text = bob.get_text("notes");
  alice_text.insert(0, "Hello world");
  sync(alice, bob);

  // Concurrent edits, then a sync in both directions.
  bob_text.insert(0, ">> ");
  alice_text.insert(alice_text.length(), "!");
  sync(alice, bob);
  sync(bob, alice);

  const std::string a = alice_text.to_string();
  const std::string b = bob_text.to_string();
  std::printf("alice: %s\nbob:   %s\n", a.c_str(), b.c_str());
  if (a != b || a != ">> Hello world!") {
    std::fprintf(stderr, "the documents did not converge\n");
    return 1;
  }
  return 0;
}
