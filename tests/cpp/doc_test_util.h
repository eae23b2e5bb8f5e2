// doc_test_util.h — helpers shared by the document-level GoogleTest files
// (doc_test, text_test, array_test, map_test, integrate_test, pending_test,
// convergence_test): documents with fixed client ids, update capture through
// Doc::observe, peer-to-peer sync, and a canonical dump of a document's visible
// content (including rich-text formatting) for convergence checks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crdtcore/crdtcore.h"

namespace crdtcore::testutil {

inline Doc make_doc(ClientId client, bool gc = true, OffsetKind kind = OffsetKind::Utf16) {
  DocOptions o;
  o.client_id = client;
  o.gc = gc;
  o.offset_kind = kind;
  return Doc(o);
}

// Records the update of every committed transaction of one document.
class UpdateLog {
 public:
  explicit UpdateLog(Doc& doc, bool local_only = false) {
    auto updates = updates_;
    id_ = doc.observe([updates, local_only](const TransactionResult& r) {
      if (!local_only || r.local) updates->push_back(r.update);
    });
  }
  const std::vector<Bytes>& all() const { return *updates_; }
  size_t size() const { return updates_->size(); }
  const Bytes& last() const { return updates_->back(); }
  Doc::ObserverId id() const { return id_; }

 private:
  std::shared_ptr<std::vector<Bytes>> updates_ = std::make_shared<std::vector<Bytes>>();
  Doc::ObserverId id_ = 0;
};

// Sends `from` whatever `to` lacks (state-vector based, like y-protocols step 2).
inline void send(Doc& from, Doc& to) {
  const Bytes sv = to.encode_state_vector();
  to.apply_update(from.encode_state_as_update(&sv));
}

inline void sync_pair(Doc& a, Doc& b) {
  send(a, b);
  send(b, a);
}

inline Value str(const char* s) { return Value::string(s); }

inline Value obj(Value::ObjectT o) { return Value::object(std::move(o)); }

inline std::string dump_value(const Value& v);
inline std::string dump_shared(const Shared& s);

inline std::string dump_out(const Out& o) {
  return o.is_shared() ? dump_shared(o.shared()) : dump_value(o.value());
}

// Canonical, type-tagged rendering (Int 1 and Float 1.0 differ; BigInt allowed).
inline std::string dump_value(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined: return "undefined";
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return v.as_bool() ? "true" : "false";
    case Value::Kind::Int: return std::to_string(v.as_int());
    case Value::Kind::Float: return "f" + to_json(v);
    case Value::Kind::BigInt: return std::to_string(v.as_bigint()) + "n";
    case Value::Kind::String: return to_json(v);
    case Value::Kind::Binary: {
      std::string out = "bin[";
      for (uint8_t b : v.as_binary()) out += std::to_string(b) + ",";
      return out + "]";
    }
    case Value::Kind::Array: {
      std::string out = "[";
      for (const Value& e : v.as_array()) out += dump_value(e) + ",";
      return out + "]";
    }
    case Value::Kind::Object: {
      std::string out = "{";
      for (const auto& [k, e] : v.as_object())
        out += to_json(Value::string(k)) + ":" + dump_value(e) + ",";
      return out + "}";
    }
  }
  return "?";
}

inline std::string dump_attrs(const Attributes& a) {
  if (a.empty()) return "";
  return "@" + dump_value(Value::object(a));
}

// Text: its delta; Array: elements; Map: sorted entries; nested types recursively.
inline std::string dump_shared(const Shared& s) {
  switch (s.kind()) {
    case TypeKind::Text: {
      std::string out = "Text(";
      for (const TextChunk& c : s.as_text().to_delta()) {
        if (c.kind == TextChunk::Kind::String) {
          out += to_json(Value::string(c.text));
        } else if (c.kind == TextChunk::Kind::Embed) {
          out += "embed:" + dump_value(c.embed);
        } else {
          out += "type:" + dump_shared(c.shared);
        }
        out += dump_attrs(c.attributes) + ";";
      }
      return out + ")";
    }
    case TypeKind::Array: {
      Array a = s.as_array();
      std::string out = "Array[";
      for (const Out& o : a.slice(0, a.length())) out += dump_out(o) + ",";
      return out + "]";
    }
    case TypeKind::Map: {
      std::string out = "Map{";
      for (const auto& [k, o] : s.as_map().entries())
        out += to_json(Value::string(k)) + ":" + dump_out(o) + ",";
      return out + "}";
    }
    default: return "Other(" + dump_value(s.to_value()) + ")";
  }
}

// Every root, by name.
inline std::string dump_doc(const Doc& d) {
  std::string out;
  for (const std::string& name : d.root_names())
    out += name + "=" + dump_shared(*d.root(name)) + "\n";
  return out;
}

}  // namespace crdtcore::testutil
