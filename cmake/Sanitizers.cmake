# CRDTCORE_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer on every target of the
# build (directory-wide flags, so helpers and test executables are instrumented too). Any UB
# report aborts the process, so CTest sees it as a failure.
if(CRDTCORE_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "CRDTCORE_SANITIZE needs GCC or Clang")
  endif()
  set(_crdtcore_sanitize_flags
      -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${_crdtcore_sanitize_flags})
  add_link_options(${_crdtcore_sanitize_flags})
  if(CRDTCORE_BUILD_PYTHON)
    message(WARNING "CRDTCORE_SANITIZE with CRDTCORE_BUILD_PYTHON: the module only loads "
                    "with the ASan runtime preloaded (LD_PRELOAD=$(g++ -print-file-name=libasan.so))")
  endif()
endif()
