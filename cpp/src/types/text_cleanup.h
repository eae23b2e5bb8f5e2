// text_cleanup.h — Yjs's clean-up of redundant formatting after remote
// transactions (yjs src/types/YText.js cleanupYTextAfterTransaction,
// cleanupYTextFormatting, cleanupContextlessFormattingGap; yjs-format.md §7.6).
//
// Not needed for convergence of visible text, but Yjs peers run it, and running it
// the same way keeps our encodings byte-identical to theirs.
#pragma once

#include <memory>

namespace crdtcore::detail {

class DocImpl;
struct TxnState;

// Called for a finished remote transaction BEFORE its GC/merge step. When a changed
// text with formatting needs it, runs the clean-up in a new local transaction and
// returns it (to be cleaned up and announced after `remote`); otherwise null.
std::unique_ptr<TxnState> format_cleanup_after_remote(DocImpl& doc, TxnState& remote);

}  // namespace crdtcore::detail
