# CRDTCORE_LTO=ON (the default of top-level Release builds): link-time optimization of the
# Python module and the C++ benchmarks. The hot paths cross many of the core's files (a text
# insert runs through text.cpp, text_format.cpp, list.cpp, local_append.cpp, transaction.cpp,
# cleanup.cpp, struct_store.cpp, item.cpp, delete_set.cpp), and the small functions between
# them (item_units, find_index, DeleteSet::add, ...) are only inlined at link time. Callgrind,
# C++ replay: automerge-paper -8.2 % instructions, rustcode -7.2 %; wall time -2..5 % for
# replay and load (C++ and Python), but encode ~10 % slower (automerge-paper 0.37 -> 0.42 ms;
# Lib0Writer::write_var_uint is left out of line there, and forcing it inline did not help).
# cpp/CMakeLists.txt makes crdtcore::fast, the core those targets link.
if(CRDTCORE_LTO)
  include(CheckIPOSupported)
  check_ipo_supported(RESULT _crdtcore_ipo_supported OUTPUT _crdtcore_ipo_output LANGUAGES CXX)
  if(NOT _crdtcore_ipo_supported)
    message(STATUS "crdtcore: no link-time optimization (${_crdtcore_ipo_output})")
    set(CRDTCORE_LTO OFF CACHE BOOL
        "Link-time optimization of the Python module and the C++ benchmarks" FORCE)
  endif()
endif()
