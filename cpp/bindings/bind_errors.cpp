// bind_errors.cpp — translates the C++ exception tree (crdtcore/error.h) into Python:
//
//   crdtcore::DecodeError   -> crdtcore.DecodeError (a ValueError; the class is defined in
//                              python/crdtcore/errors.py and handed over by _set_decode_error)
//   crdtcore::OutOfRange    -> IndexError
//   crdtcore::InvalidState  -> RuntimeError
//   crdtcore::TypeMismatch  -> TypeError
//   any other crdtcore::Error -> RuntimeError
//   std::invalid_argument   -> ValueError (pybind11's default)
#include <pybind11/pybind11.h>

#include "crdtcore/error.h"

namespace crdtcore::bindings {

namespace py = pybind11;

namespace {

// The Python class raised for DecodeError; ValueError until errors.py registers its own.
// A strong reference held for the interpreter's lifetime (never released at exit).
PyObject* g_decode_error = nullptr;

}  // namespace

void bind_errors(py::module_& m) {
  m.def(
      "_set_decode_error",
      [](py::object cls) {
        if (!PyType_Check(cls.ptr()) || !PyObject_IsSubclass(cls.ptr(), PyExc_ValueError)) {
          throw py::type_error("DecodeError must be a subclass of ValueError");
        }
        Py_XDECREF(g_decode_error);
        g_decode_error = cls.release().ptr();
      },
      py::arg("cls"), "Registers the Python class raised for malformed bytes (internal).");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const crdtcore::DecodeError& e) {
      PyErr_SetString(g_decode_error != nullptr ? g_decode_error : PyExc_ValueError, e.what());
    } catch (const crdtcore::OutOfRange& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const crdtcore::InvalidState& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const crdtcore::TypeMismatch& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const crdtcore::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace crdtcore::bindings
