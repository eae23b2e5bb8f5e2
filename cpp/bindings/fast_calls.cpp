// fast_calls.cpp — the per-keystroke entry points, written against the CPython API
// instead of pybind11's generic dispatcher:
//
//   _core.TransactionBase   the context manager behind `with doc.transaction():`
//                           (crdtcore.Transaction subclasses it); its __enter__/__exit__
//                           are cached-method descriptors (cached_method.h)
//   _core.Doc.open_transaction  the open transaction (Doc.transaction() joins it)
//   _core.transaction_method    wraps crdtcore.Doc.transaction: `doc.transaction()` with
//                               no transaction open returns doc._plain_txn natively
//   _core.Doc.apply_update      the native apply (a sync provider's call per update), and
//   _core.apply_update_method   wraps crdtcore.Doc.apply_update: without an origin it
//                               calls the former with no Python frame
//   _core.Text.insert       added to the pybind11 class as a METH_FASTCALL method
//   _core.Text.__delitem__  likewise (serves `del text[i]` and `del text[a:b]`)
//   _core.Text.__len__, _core.Text.__getitem__, _core.Array.__len__, _core.Map.__len__,
//   _core.Map.__contains__  the reads a loop makes (len(t), t[i], key in m); also here
//                           because users call them directly, and a pybind11 function
//                           would show them pybind11's internals (see below)
//
// Why: an editor-style replay does one transaction, one delete and one insert per
// keystroke. pybind11's dispatcher (overload resolution, argument casters, kwargs
// handling) costs about 100 ns per call and Python-level __enter__/__exit__ frames
// about as much again; these few entry points are where that overhead adds up
// (see bench/python/replay.py). Everything else stays in plain pybind11.
//
// Errors: C++ exceptions are translated by pybind11's registered translators
// (bind_errors.cpp), so the Python-visible behaviour matches the pybind11 methods.
//
// Docstrings start with a "name($self, ...)\n--\n\n" line: CPython turns it into the
// method's __text_signature__, so inspect.signature() and help() show the parameters
// (tests/python/test_api_signatures.py); __doc__ is the text after it.
#include <Python.h>
#include <structmember.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <pybind11/pybind11.h>

#include "crdtcore/array.h"
#include "crdtcore/doc.h"
#include "crdtcore/map.h"
#include "crdtcore/text.h"
#include "crdtcore/update.h"

#include "args.h"
#include "cached_method.h"
#include "convert.h"
#include "gil.h"
#include "guarded.h"

namespace crdtcore::bindings {
namespace {

// Fills out[0..n) from positional and keyword arguments of a METH_FASTCALL|METH_KEYWORDS
// call; absent optional arguments stay nullptr. Throws TypeError on a bad call.
void parse_args(const char* fname, const char* const* names, int n_required, int n_max,
                PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) {
  if (nargs > n_max) {
    throw py::type_error(std::string(fname) + "() takes at most " + std::to_string(n_max) +
                         " arguments");
  }
  for (int i = 0; i < n_max; ++i) out[i] = i < nargs ? args[i] : nullptr;
  Py_ssize_t n_kw = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t k = 0; k < n_kw; ++k) {
    PyObject* name = PyTuple_GET_ITEM(kwnames, k);
    int slot = -1;
    for (int i = 0; i < n_max; ++i) {
      if (PyUnicode_CompareWithASCIIString(name, names[i]) == 0) slot = i;
    }
    if (slot < 0 || out[slot] != nullptr) {
      throw py::type_error(std::string(fname) + "() got an unexpected or repeated argument '" +
                           py::str(name).cast<std::string>() + "'");
    }
    out[slot] = args[nargs + k];
  }
  for (int i = 0; i < n_required; ++i) {
    if (out[i] == nullptr) {
      throw py::type_error(std::string(fname) + "() missing required argument '" + names[i] + "'");
    }
  }
}

// `self` of a method that add_method() put on the pybind11 class of T: the method
// descriptor has checked that `self` is an instance of that class. An initialised instance
// with pybind11's simple layout (one bound C++ type in its bases, as crdtcore.Text) holds
// the value pointer inline: read it there instead of py::cast's type lookup (about 300
// instructions a call). Anything else goes through py::cast, which raises its errors.
template <class T>
T& method_self(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (inst->simple_layout && inst->simple_holder_constructed &&
      inst->simple_value_holder[0] != nullptr) {
    return *static_cast<T*>(inst->simple_value_holder[0]);
  }
  return py::cast<T&>(py::handle(self));
}

// -- Text --------------------------------------------------------------------------

PyObject* text_insert(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded([&]() -> PyObject* {
    static const char* const kNames[] = {"index", "value", "attrs"};
    PyObject* a[3];
    parse_args("insert", kNames, 2, 3, args, nargs, kwnames, a);
    Text& t = method_self<Text>(self);
    int64_t index = int_arg(a[0], "index");
    std::string_view s = str_view(a[1], "inserted text");
    if (!s.empty()) {
      integrated(t, "Text").insert(insert_index(index, "Text"), s, optional_attrs(a[2]));
    }
    Py_RETURN_NONE;
  });
}

PyObject* text_delitem(PyObject* self, PyObject* key) {
  return guarded([&]() -> PyObject* {
    Text& t = integrated(method_self<Text>(self), "Text");
    if (PySlice_Check(key)) {
      SliceRange r = slice_range(key, t.length());
      if (r.step != 1) throw py::value_error("Text slices cannot have a step");
      if (r.stop > r.start) t.remove_range(r.start, r.stop - r.start);
    } else {
      t.remove_range(element_index(int_key(key, "Text"), t.length(), "Text"), 1);
    }
    Py_RETURN_NONE;
  });
}

PyMethodDef kTextInsertDef = {
    "insert", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(text_insert)),
    METH_FASTCALL | METH_KEYWORDS,
    R"doc(insert($self, /, index, value, attrs=None)
--

Inserts a string.

Args:
    index: Where to insert, in the document's offset unit (code points by default),
        0 <= index <= len(text).
    value: The string to insert.
    attrs: Formatting of the inserted text. When omitted the text takes the formatting in
        effect at ``index``; a dict applies exactly those attributes.

Raises:
    IndexError: ``index`` is outside the text or inside a character (UTF-8 offsets).
    TypeError: ``value`` is not a str or an attribute value cannot be stored.
    RuntimeError: The text is not integrated into a document yet.

Example:
    >>> doc = Doc({"t": Text("😀!")})
    >>> doc["t"].insert(1, " hi", {"bold": True})
    >>> str(doc["t"])
    '😀 hi!'
)doc"};

PyMethodDef kTextDelitemDef = {"__delitem__", text_delitem, METH_O,
                               R"doc(__delitem__($self, key, /)
--

Deletes one unit (``del t[i]``) or a slice (``del t[a:b]``), in the document's offset
unit (code points by default: one character).

Raises:
    IndexError: The index is outside the text, or a bound falls inside a character (UTF-8).
    ValueError: The slice has a step other than 1.
    RuntimeError: The text is not integrated into a document yet.
)doc"};

// -- Reads: len(t), t[i], len(a), len(m), key in m --------------------------------
// Users call these directly, so they are not pybind11 functions: pybind11 3 gives a
// function the __qualname__ "pybind11_detail_function_record_v1_....name" and no
// __text_signature__ (pybind11 issues 2059 and 5774).

PyObject* text_len(PyObject* self, PyObject* /*unused*/) {
  return guarded([&]() -> PyObject* {
    const Text& t = integrated(py::cast<const Text&>(py::handle(self)), "Text");
    return PyLong_FromUnsignedLongLong(t.length());
  });
}

PyObject* text_getitem(PyObject* self, PyObject* key) {
  return guarded([&]() -> PyObject* {
    const Text& t = integrated(py::cast<const Text&>(py::handle(self)), "Text");
    if (PySlice_Check(key)) {
      SliceRange r = slice_range(key, t.length());
      if (r.step != 1) {  // an extended slice: Python's own, over the whole string
        py::object chars = utf8_str(t.to_string())[py::handle(key)];
        return chars.release().ptr();
      }
      return utf8_str(t.slice(r.start, r.stop)).release().ptr();
    }
    uint64_t i = element_index(int_key(key, "Text"), t.length(), "Text");
    return utf8_str(t.slice(i, i + 1)).release().ptr();
  });
}

PyObject* array_len(PyObject* self, PyObject* /*unused*/) {
  return guarded([&]() -> PyObject* {
    const Array& a = integrated(py::cast<const Array&>(py::handle(self)), "Array");
    return PyLong_FromUnsignedLongLong(a.length());
  });
}

PyObject* map_len(PyObject* self, PyObject* /*unused*/) {
  return guarded([&]() -> PyObject* {
    const Map& mp = integrated(py::cast<const Map&>(py::handle(self)), "Map");
    return PyLong_FromUnsignedLongLong(mp.size());
  });
}

PyObject* map_contains(PyObject* self, PyObject* key) {
  return guarded([&]() -> PyObject* {
    if (!PyUnicode_Check(key)) Py_RETURN_FALSE;
    const Map& mp = integrated(py::cast<const Map&>(py::handle(self)), "Map");
    return PyBool_FromLong(mp.contains(std::string(str_view(key, "Map key"))) ? 1 : 0);
  });
}

PyMethodDef kTextLenDef = {"__len__", text_len, METH_NOARGS,
                           R"doc(__len__($self, /)
--

The length in the document's offset unit (code points by default).

Raises:
    RuntimeError: The text is not integrated into a document yet.

Example:
    >>> len(Doc({"t": Text("a😀")})["t"])
    2
)doc"};

PyMethodDef kTextGetitemDef = {"__getitem__", text_getitem, METH_O,
                               R"doc(__getitem__($self, key, /)
--

One character (``t[i]``) or a substring (``t[a:b]``), in the document's offset unit.

``t[i]`` is ``t[i:i + 1]``: with UTF-8 or UTF-16 offsets that is one unit, so it fails for a
character that takes more than one.

Raises:
    IndexError: The index is outside the text, or a bound falls inside a character (UTF-8).
    RuntimeError: The text is not integrated into a document yet.

Example:
    >>> t = Doc({"t": Text("hello")})["t"]
    >>> t[1], t[1:4], t[-1]
    ('e', 'ell', 'o')
)doc"};

PyMethodDef kArrayLenDef = {"__len__", array_len, METH_NOARGS,
                            R"doc(__len__($self, /)
--

The number of elements.

Raises:
    RuntimeError: The array is not integrated into a document yet.

Example:
    >>> len(Doc({"a": Array([1, "two", [3]])})["a"])
    3
)doc"};

PyMethodDef kMapLenDef = {"__len__", map_len, METH_NOARGS,
                          R"doc(__len__($self, /)
--

The number of keys.

Raises:
    RuntimeError: The map is not integrated into a document yet.

Example:
    >>> len(Doc({"m": Map({"a": 1, "b": 2})})["m"])
    2
)doc"};

PyMethodDef kMapContainsDef = {"__contains__", map_contains, METH_O,
                               R"doc(__contains__($self, key, /)
--

Whether ``key`` is in the map (False for keys that are not str).

Raises:
    RuntimeError: The map is not integrated into a document yet.

Example:
    >>> m = Doc({"m": Map({"a": 1})})["m"]
    >>> "a" in m, "b" in m, 1 in m
    (True, False, False)
)doc"};

void add_method(py::handle cls, PyMethodDef* def) {
  PyObject* descr = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (descr == nullptr) throw py::error_already_set();
  int rc = PyObject_SetAttrString(cls.ptr(), def->ml_name, descr);
  Py_DECREF(descr);
  if (rc < 0) throw py::error_already_set();
}

// -- TransactionBase ---------------------------------------------------------------

// The native transaction object. The document's core keeps the transaction state (depth,
// the open transaction, the one being announced, the nesting rule; txn/transaction.h); this
// object only names the transaction: it is the crdtcore::Origin the core is given, so the
// core hands it back to observers (TransactionResult::origin) and to Doc.transaction()
// (Doc::transaction_origin()). It keeps the user's origin value and its document.
struct TxnObject {
  PyObject_HEAD PyObject* native;  // the _core.Doc; keeps `doc` alive
  Doc* doc;
  PyObject* origin;
  PyObject* bound_enter;  // the bound __enter__/__exit__ (cached_method.h), made on first use
  PyObject* bound_exit;
};

PyTypeObject* g_txn_type = nullptr;
PyObject* g_str_native = nullptr;  // "_native"

// The initialised TransactionBase objects that are alive. An origin the core hands back
// (an event kept after its transaction object died, or a transaction that another part
// of the bindings opened with an origin of its own) is only turned into a Python object
// when it is one of these: never a read through a dangling or foreign pointer.
std::unordered_set<const void*>& live_txns() {
  static auto* live = new std::unordered_set<const void*>();
  return *live;
}

int txn_init(PyObject* obj, PyObject* args, PyObject* kwds) {
  auto* self = reinterpret_cast<TxnObject*>(obj);
  static const char* kKeywords[] = {"doc", "origin", nullptr};
  PyObject* pydoc = nullptr;
  PyObject* origin = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:Transaction", const_cast<char**>(kKeywords),
                                   &pydoc, &origin)) {
    return -1;
  }
  PyObject* native = PyObject_GetAttr(pydoc, g_str_native);
  if (native == nullptr) return -1;
  Doc* doc = nullptr;
  try {
    doc = &py::cast<Doc&>(py::handle(native));
  } catch (...) {
    Py_DECREF(native);
    py::detail::try_translate_exceptions();
    return -1;
  }
  Py_INCREF(origin);
  Py_XSETREF(self->native, native);
  Py_XSETREF(self->origin, origin);
  self->doc = doc;
  live_txns().insert(obj);
  return 0;
}

int txn_traverse(PyObject* obj, visitproc visit, void* arg) {
  auto* self = reinterpret_cast<TxnObject*>(obj);
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(self->native);
  Py_VISIT(self->origin);
  Py_VISIT(self->bound_enter);
  Py_VISIT(self->bound_exit);
  return 0;
}

int txn_clear(PyObject* obj) {
  auto* self = reinterpret_cast<TxnObject*>(obj);
  Py_CLEAR(self->native);
  Py_CLEAR(self->origin);
  self->doc = nullptr;
  release_cached_method(&self->bound_enter);
  release_cached_method(&self->bound_exit);
  return 0;
}

void txn_dealloc(PyObject* obj) {
  PyTypeObject* type = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  live_txns().erase(obj);
  txn_clear(obj);
  type->tp_free(obj);
  Py_DECREF(type);
}

bool txn_ready(TxnObject* self) {
  if (self->doc != nullptr) return true;
  PyErr_SetString(PyExc_RuntimeError, "Transaction is not bound to a document");
  return false;
}

// Opens the transaction, or joins it when it is this one; the core refuses to open it
// while another transaction is open. The outermost block holds a reference for the core.
PyObject* txn_enter(PyObject* obj, PyObject* const* /*args*/, Py_ssize_t nargs) {
  auto* self = reinterpret_cast<TxnObject*>(obj);
  if (nargs != 0) {
    PyErr_Format(PyExc_TypeError, "__enter__() takes no arguments (%zd given)", nargs);
    return nullptr;
  }
  if (!txn_ready(self)) return nullptr;
  const bool outermost = self->doc->transaction_depth() == 0;
  PyObject* ok = guarded([&]() -> PyObject* {
    self->doc->begin_transaction(obj);
    Py_RETURN_NONE;
  });
  if (ok == nullptr) return nullptr;
  Py_DECREF(ok);
  if (outermost) Py_INCREF(obj);  // the core's reference, dropped after the commit
  Py_INCREF(obj);
  return obj;
}

// Commits when the outermost block exits, also when the block raised (no rollback in
// Yjs). Observers run inside commit_transaction(); their first exception propagates.
PyObject* txn_exit(PyObject* obj, PyObject* const* /*args*/, Py_ssize_t /*nargs*/) {
  auto* self = reinterpret_cast<TxnObject*>(obj);
  if (!txn_ready(self)) return nullptr;
  const int depth = self->doc->transaction_depth();
  if (depth == 0 || self->doc->transaction_origin() != obj) {
    PyErr_SetString(PyExc_RuntimeError, "Transaction.__exit__ without __enter__");
    return nullptr;
  }
  PyObject* result = guarded([&]() -> PyObject* {
    self->doc->commit_transaction();
    Py_RETURN_NONE;
  });
  if (depth == 1) Py_DECREF(obj);  // the core's reference (the caller still holds one)
  return result;
}

PyObject* txn_origin(PyObject* obj, void* /*closure*/) {
  PyObject* origin = reinterpret_cast<TxnObject*>(obj)->origin;
  if (origin == nullptr) origin = Py_None;
  Py_INCREF(origin);
  return origin;
}

PyObject* txn_native_doc(PyObject* obj, void* /*closure*/) {
  PyObject* native = reinterpret_cast<TxnObject*>(obj)->native;
  if (native == nullptr) native = Py_None;
  Py_INCREF(native);
  return native;
}

// __enter__/__exit__ are cached-method descriptors: a `with` block then allocates no bound
// method objects (cached_method.h).
const CachedMethodDef kTxnEnterDef = {"__enter__", "($self, /)",
                                      "Opens the transaction (or joins it when nested).", txn_enter,
                                      offsetof(TxnObject, bound_enter)};
const CachedMethodDef kTxnExitDef = {"__exit__", "($self, exc_type, exc_value, traceback, /)",
                                     "Commits when the outermost block exits; observers run then.",
                                     txn_exit, offsetof(TxnObject, bound_exit)};

PyGetSetDef kTxnGetSet[] = {
    {"origin", txn_origin, nullptr,
     "The origin given to Doc.transaction(origin=...) (None by default).", nullptr},
    {"_native_doc", txn_native_doc, nullptr, "The transaction's _core.Doc.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyType_Slot kTxnSlots[] = {
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {Py_tp_init, reinterpret_cast<void*>(txn_init)},
    {Py_tp_dealloc, reinterpret_cast<void*>(txn_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(txn_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(txn_clear)},
    {Py_tp_getset, kTxnGetSet},
    {Py_tp_doc, const_cast<char*>("TransactionBase(doc, origin=None)\n--\n\n"
                                  "The native part of crdtcore.Transaction.")},
    {0, nullptr}};

PyType_Spec kTxnSpec = {"crdtcore._core.TransactionBase", sizeof(TxnObject), 0,
                        Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, kTxnSlots};

// -- Doc.open_transaction ------------------------------------------------------------

PyObject* doc_open_transaction(PyObject* self, PyObject* /*unused*/) {
  return guarded([&]() -> PyObject* {
    const Doc& d = py::cast<const Doc&>(py::handle(self));
    return d.in_transaction() ? transaction_object(d.transaction_origin()).release().ptr()
                              : Py_NewRef(Py_None);
  });
}

PyMethodDef kDocOpenTransactionDef = {"open_transaction", doc_open_transaction, METH_NOARGS,
                                      "open_transaction($self, /)\n--\n\nThe open transaction (a "
                                      "crdtcore.Transaction), or None (no transaction is open)."};

// -- Doc.apply_update ---------------------------------------------------------------

// _core.Doc.apply_update(update, transaction=None): replaces the pybind11 method of
// bind_doc.cpp. Doc::apply_update in its two halves (gil.h): decoding, a pure function of
// the bytes and the document's (immutable) offset kind, runs without the GIL for a large
// update; integrating changes the document and runs the observers, so it takes the GIL
// back. Everything Python is read first, with the GIL.
PyObject* doc_apply_update(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames) {
  return guarded([&]() -> PyObject* {
    static const char* const kNames[] = {"update", "transaction"};
    PyObject* a[2];
    parse_args("apply_update", kNames, 1, 2, args, nargs, kwnames, a);
    Doc& d = method_self<Doc>(self);
    const Origin origin = a[1] == nullptr ? nullptr : transaction_origin(a[1]);
    const OffsetKind kind = d.offset_kind();
    const ReadableBytes bytes(a[0]);
    DecodedUpdate decoded = without_gil_if_large(
        bytes.size(), [&] { return decode_update(bytes.data(), bytes.size(), kind); });
    d.apply_decoded(std::move(decoded), origin);
    Py_RETURN_NONE;
  });
}

PyMethodDef kDocApplyUpdateDef = {
    "apply_update", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(doc_apply_update)),
    METH_FASTCALL | METH_KEYWORDS,
    "apply_update($self, /, update, transaction=None)\n--\n\n"
    "Applies a v1 update; `transaction` (a crdtcore.Transaction, not entered) names the "
    "origin of the remote transaction it opens. An update of 16 KiB or more is decoded "
    "without the GIL; integrating it holds the GIL."};

// -- Doc.transaction and Doc.apply_update: native fast paths of Python methods --------

// A method descriptor around a Python method of crdtcore.Doc (crdtcore/_doc.py) that
// answers the common call without running Python code, and hands every other call to the
// Python method, which keeps the checks and the error messages:
//   transaction_method   `doc.transaction()` with no transaction open: the document's
//                        reusable `_plain_txn`, as the Python method would return
//   apply_update_method  `doc.apply_update(update)` (no origin): the native apply_update
//                        of `doc._native` (a sync provider's call per received update)

// The fast path: a new reference; or nullptr with no error set to hand the call to the
// Python method; or nullptr with an error set. args[0] is the Python Doc.
using FastPath = PyObject* (*)(PyObject* const* args, Py_ssize_t nargs);

struct TxnMethodObject {
  PyObject_HEAD vectorcallfunc vectorcall;
  PyObject* func;  // the Python function
  FastPath fast;
};

PyObject* g_str_plain_txn = nullptr;  // "_plain_txn"
PyTypeObject* g_doc_type = nullptr;   // _core.Doc

PyObject* plain_txn_fast(PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 1) return nullptr;
  PyObject* plain = PyObject_GetAttr(args[0], g_str_plain_txn);
  if (plain == nullptr) {
    PyErr_Clear();  // not set up by Doc.__init__: the Python method decides
    return nullptr;
  }
  if (PyObject_TypeCheck(plain, g_txn_type)) {
    const Doc* doc = reinterpret_cast<TxnObject*>(plain)->doc;
    if (doc != nullptr && !doc->in_transaction()) return plain;
  }
  Py_DECREF(plain);
  return nullptr;
}

PyObject* apply_update_fast(PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) return nullptr;
  PyObject* native = PyObject_GetAttr(args[0], g_str_native);
  if (native == nullptr) {
    PyErr_Clear();  // not set up by Doc.__init__: the Python method decides
    return nullptr;
  }
  PyObject* out = nullptr;
  if (PyObject_TypeCheck(native, g_doc_type)) out = doc_apply_update(native, args + 1, 1, nullptr);
  Py_DECREF(native);
  return out;
}

PyObject* txn_method_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                                PyObject* kwnames) {
  auto* self = reinterpret_cast<TxnMethodObject*>(callable);
  if (kwnames == nullptr) {
    PyObject* out = self->fast(args, PyVectorcall_NARGS(nargsf));
    if (out != nullptr || PyErr_Occurred() != nullptr) return out;
  }
  return PyObject_Vectorcall(self->func, args, nargsf, kwnames);
}

PyObject* txn_method_get(PyObject* descr, PyObject* obj, PyObject* /*type*/) {
  if (obj == nullptr || obj == Py_None) return Py_NewRef(descr);
  return PyMethod_New(descr, obj);
}

int txn_method_traverse(PyObject* obj, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(reinterpret_cast<TxnMethodObject*>(obj)->func);
  return 0;
}

int txn_method_clear(PyObject* obj) {
  Py_CLEAR(reinterpret_cast<TxnMethodObject*>(obj)->func);
  return 0;
}

void txn_method_dealloc(PyObject* obj) {
  PyTypeObject* type = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  txn_method_clear(obj);
  type->tp_free(obj);
  Py_DECREF(type);
}

// __doc__, __name__, __qualname__, __module__, __wrapped__ (inspect.signature follows it)
// and everything else not on the descriptor itself: the Python function's.
PyObject* txn_method_getattro(PyObject* obj, PyObject* name) {
  PyObject* func = reinterpret_cast<TxnMethodObject*>(obj)->func;
  if (PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, "__wrapped__") == 0) {
    return Py_NewRef(func);
  }
  PyObject* own = PyObject_GenericGetAttr(obj, name);
  if (own != nullptr || !PyErr_ExceptionMatches(PyExc_AttributeError)) return own;
  PyErr_Clear();
  return PyObject_GetAttr(func, name);
}

PyObject* txn_method_doc(PyObject* obj, void* /*closure*/) {
  return PyObject_GetAttrString(reinterpret_cast<TxnMethodObject*>(obj)->func, "__doc__");
}

PyGetSetDef kTxnMethodGetSet[] = {{"__doc__", txn_method_doc, nullptr, nullptr, nullptr},
                                  {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyMemberDef kTxnMethodMembers[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(TxnMethodObject, vectorcall), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyType_Slot kTxnMethodSlots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(txn_method_dealloc)},
                                 {Py_tp_traverse, reinterpret_cast<void*>(txn_method_traverse)},
                                 {Py_tp_clear, reinterpret_cast<void*>(txn_method_clear)},
                                 {Py_tp_descr_get, reinterpret_cast<void*>(txn_method_get)},
                                 {Py_tp_call, reinterpret_cast<void*>(PyVectorcall_Call)},
                                 {Py_tp_getattro, reinterpret_cast<void*>(txn_method_getattro)},
                                 {Py_tp_getset, kTxnMethodGetSet},
                                 {Py_tp_members, kTxnMethodMembers},
                                 {0, nullptr}};

PyType_Spec kTxnMethodSpec = {"crdtcore._core.fast_method", sizeof(TxnMethodObject), 0,
                              Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
                                  Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_HAVE_VECTORCALL |
                                  Py_TPFLAGS_DISALLOW_INSTANTIATION,
                              kTxnMethodSlots};

PyTypeObject* g_txn_method_type = nullptr;

py::object fast_method(py::function func, FastPath fast) {
  auto* obj = PyObject_GC_New(TxnMethodObject, g_txn_method_type);
  if (obj == nullptr) throw py::error_already_set();
  obj->vectorcall = txn_method_vectorcall;
  obj->func = Py_NewRef(func.ptr());
  obj->fast = fast;
  PyObject_GC_Track(obj);
  return py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(obj));
}

}  // namespace

py::object transaction_object(Origin origin) {
  if (origin == nullptr || live_txns().count(origin) == 0) return py::none();
  return py::reinterpret_borrow<py::object>(static_cast<PyObject*>(const_cast<void*>(origin)));
}

Origin transaction_origin(py::handle txn) {
  if (txn.is_none()) return nullptr;
  if (g_txn_type == nullptr || !PyObject_TypeCheck(txn.ptr(), g_txn_type) ||
      reinterpret_cast<TxnObject*>(txn.ptr())->doc == nullptr) {
    throw py::type_error("origin must be an initialised crdtcore.Transaction");
  }
  return txn.ptr();
}

void bind_fast_calls(py::module_& m) {
  g_str_native = PyUnicode_InternFromString("_native");
  if (g_str_native == nullptr) throw py::error_already_set();
  PyObject* type = PyType_FromSpec(&kTxnSpec);
  if (type == nullptr) throw py::error_already_set();
  g_txn_type = reinterpret_cast<PyTypeObject*>(type);
  Py_INCREF(type);  // g_txn_type: a strong reference for the interpreter's lifetime
  add_cached_method(g_txn_type, &kTxnEnterDef);
  add_cached_method(g_txn_type, &kTxnExitDef);
  m.add_object("TransactionBase", py::reinterpret_steal<py::object>(type));
  g_str_plain_txn = PyUnicode_InternFromString("_plain_txn");
  if (g_str_plain_txn == nullptr) throw py::error_already_set();
  g_txn_method_type = reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&kTxnMethodSpec));
  if (g_txn_method_type == nullptr) throw py::error_already_set();
  m.def(
      "transaction_method",
      [](py::function f) { return fast_method(std::move(f), plain_txn_fast); }, py::arg("func"),
      "Doc.transaction's native fast path around the Python method ``func`` (fast_calls.cpp).");
  m.def(
      "apply_update_method",
      [](py::function f) { return fast_method(std::move(f), apply_update_fast); }, py::arg("func"),
      "Doc.apply_update's native fast path around the Python method ``func`` "
      "(fast_calls.cpp).");
  py::object doc_cls = m.attr("Doc");
  g_doc_type = reinterpret_cast<PyTypeObject*>(doc_cls.ptr());
  add_method(doc_cls, &kDocOpenTransactionDef);
  add_method(doc_cls, &kDocApplyUpdateDef);

  py::object text_cls = m.attr("Text");
  add_method(text_cls, &kTextInsertDef);
  add_method(text_cls, &kTextDelitemDef);
  add_method(text_cls, &kTextLenDef);
  add_method(text_cls, &kTextGetitemDef);
  py::object array_cls = m.attr("Array");
  add_method(array_cls, &kArrayLenDef);
  py::object map_cls = m.attr("Map");
  add_method(map_cls, &kMapLenDef);
  add_method(map_cls, &kMapContainsDef);
}

}  // namespace crdtcore::bindings
