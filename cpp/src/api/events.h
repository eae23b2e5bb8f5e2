// events.h (api) — the commit hook that builds and dispatches type-level events
// (crdtcore/events.h) and the subscription bookkeeping behind Shared::observe.
#pragma once

#include <exception>
#include <memory>
#include <vector>

namespace crdtcore::detail {

class DocImpl;
struct TxnState;

// CommitHooks::dispatch_events: builds the events of `t` for observed types (and
// types below a deep-observed one) and calls the callbacks in Yjs's order (type
// observers, then deep observers). REQUIRES: t's delete set is sorted and merged, no
// GC has run on it yet. Appends what callbacks threw to `errors`. Computing a text
// delta, Yjs deletes the format items it finds redundant, in a transaction of its own:
// that transaction is returned (null when nothing was deleted) for the commit to finish.
std::unique_ptr<TxnState> dispatch_events(DocImpl& doc, TxnState& t,
                                          std::vector<std::exception_ptr>& errors);

}  // namespace crdtcore::detail
