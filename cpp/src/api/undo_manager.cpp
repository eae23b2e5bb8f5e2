// undo_manager.cpp — the UndoManager handle (crdtcore/undo_manager.h) over
// txn/undo.h's UndoCore: checks its arguments, converts handles and callbacks.
#include "crdtcore/undo_manager.h"

#include <algorithm>
#include <utility>

#include "api/access.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "crdtcore/error.h"
#include "txn/undo.h"

namespace crdtcore {

namespace {

std::shared_ptr<detail::UndoCore> make_core(const std::shared_ptr<detail::DocImpl>& doc,
                                            UndoOptions options) {
  auto filter = std::move(options.delete_filter);
  auto core = std::make_shared<detail::UndoCore>(doc, std::move(options));
  if (filter) {
    detail::UndoCore* raw = core.get();  // the filter lives inside the core
    core->delete_filter = [raw, filter = std::move(filter)](detail::Item* item) {
      UndoItem view;
      view.id = item->id;
      view.length = item->length();
      view.parent = detail::Access::shared(raw->doc_ptr(), item->parent());
      if (item->parent_sub() != nullptr) view.key = *item->parent_sub();
      if (const auto* ct = detail::content_if<detail::ContentType>(item->content);
          ct != nullptr && ct->branch != nullptr) {
        view.type = detail::Access::shared(raw->doc_ptr(), ct->branch);
      }
      return filter(view);
    };
  }
  core->attach();
  return core;
}

detail::Branch* scope_branch(const std::shared_ptr<detail::DocImpl>& doc, const Shared& type) {
  detail::Branch* b = detail::Access::branch(type);
  if (b == nullptr)
    throw InvalidState("UndoManager scope: the type is not integrated in a document");
  if (detail::Access::doc(type) != doc.get()) {
    throw InvalidState("UndoManager scope: the type belongs to another document");
  }
  return b;
}

}  // namespace

UndoManager::UndoManager(Doc& doc, UndoOptions options)
    : core_(make_core(detail::Access::doc_ptr(doc), std::move(options))) {}

UndoManager::UndoManager(const Shared& scope, UndoOptions options) {
  if (detail::Access::branch(scope) == nullptr) {
    throw InvalidState("UndoManager scope: the type is not integrated in a document");
  }
  core_ = make_core(detail::Access::doc_ptr(scope), std::move(options));
  expand_scope(scope);
}

UndoManager::~UndoManager() = default;

void UndoManager::expand_scope(const Shared& type) {
  core_->add_scope(scope_branch(core_->doc_ptr(), type));
}

void UndoManager::include_origin(Origin origin) { core_->include_origin(origin); }
void UndoManager::exclude_origin(Origin origin) { core_->exclude_origin(origin); }
Origin UndoManager::origin() const { return core_->origin(); }

bool UndoManager::undo() { return core_->undo(); }
bool UndoManager::redo() { return core_->redo(); }
bool UndoManager::can_undo() const { return !core_->undo_stack().empty(); }
bool UndoManager::can_redo() const { return !core_->redo_stack().empty(); }
void UndoManager::stop_capturing() { core_->stop_capturing(); }
void UndoManager::clear(bool undo_stack, bool redo_stack) { core_->clear(undo_stack, redo_stack); }

namespace {

std::vector<StackItem> items_of(const std::vector<detail::UndoCore::Entry>& entries) {
  std::vector<StackItem> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(StackItem{e.id, e.insertions, e.deletions});
  return out;
}

}  // namespace

std::vector<StackItem> UndoManager::undo_stack() const { return items_of(core_->undo_stack()); }
std::vector<StackItem> UndoManager::redo_stack() const { return items_of(core_->redo_stack()); }
size_t UndoManager::undo_stack_size() const { return core_->undo_stack().size(); }
size_t UndoManager::redo_stack_size() const { return core_->redo_stack().size(); }

UndoManager::EventId UndoManager::on(EventKind kind,
                                     std::function<void(const StackItemEvent&)> fn) {
  if (!fn) throw InvalidState("UndoManager::on needs a callback");
  const EventId id = core_->next_subscriber++;
  core_->subscribers.push_back({id, kind, std::move(fn)});
  return id;
}

bool UndoManager::off(EventId id) {
  auto& subs = core_->subscribers;
  auto it = std::find_if(subs.begin(), subs.end(), [id](const auto& s) { return s.id == id; });
  if (it == subs.end()) return false;
  subs.erase(it);
  return true;
}

}  // namespace crdtcore
