// doc_state.cpp — the document state: roots, branches, interned keys, client ids
// (yjs src/utils/Doc.js, minus transactions).
#include "core/doc_state.h"

#include <random>

#include "crdtcore/error.h"

namespace crdtcore::detail {

ClientId random_client_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return static_cast<ClientId>(rng() & 0xFFFFFFFFull);
}

namespace {

std::string random_uuid4() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t a = rng();
  const uint64_t b = rng();
  uint8_t bytes[16];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(a >> (8 * i));
  for (int i = 0; i < 8; ++i) bytes[8 + i] = static_cast<uint8_t>(b >> (8 * i));
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[bytes[i] >> 4]);
    out.push_back(hex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace

DocImpl::DocImpl(DocOptions opts) : options(std::move(opts)) {
  client_id = options.client_id.has_value() ? *options.client_id : random_client_id();
  if (options.guid.empty()) options.guid = random_uuid4();
}

DocImpl::~DocImpl() = default;

const std::string* DocImpl::intern(std::string_view key) {
  auto it = keys.find(std::string(key));
  if (it != keys.end()) return &*it;
  return &*keys.emplace(key).first;
}

ParentRef DocImpl::parent_ref(Branch* b, const std::string* key) {
  MapKey& entry = map_keys[b][key];
  if (entry.branch == nullptr) entry = MapKey{b, key};
  return ParentRef(&entry);
}

Branch* DocImpl::new_branch(TypeKind kind) {
  branches.push_back(std::make_unique<Branch>());
  Branch* b = branches.back().get();
  b->kind = kind;
  return b;
}

Branch* DocImpl::root(std::string_view name, TypeKind kind) {
  auto it = roots.find(name);
  if (it != roots.end()) {
    Branch* b = it->second;
    if (kind != TypeKind::Undefined && b->kind != kind) {
      if (b->kind != TypeKind::Undefined) {
        throw TypeMismatch("root type '" + std::string(name) +
                           "' already exists with another type");
      }
      b->kind = kind;
    }
    return b;
  }
  Branch* b = new_branch(kind);
  b->is_root = true;
  b->root_name = std::string(name);
  roots.emplace(std::string(name), b);
  return b;
}

}  // namespace crdtcore::detail
