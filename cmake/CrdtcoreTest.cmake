# crdtcore_test(<name> SOURCES <file>... [DISCOVER] [TIMEOUT <seconds>])
#
# Builds a GoogleTest executable <name> (gtest_main provides main()) linked with the core
# library, the private headers (cpp/src) and tests/cpp (for test_util.h), and registers it
# with CTest: one CTest test per TEST() with DISCOVER (listed when ctest runs), otherwise a
# single CTest test named <name>. Tests find fixture files through the compile definition
# CRDTCORE_SOURCE_DIR (the repository root, a string literal).
function(crdtcore_test name)
  cmake_parse_arguments(ARG "DISCOVER" "TIMEOUT" "SOURCES" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE crdtcore::core crdtcore_internal
                                        GTest::gtest GTest::gmock GTest::gtest_main Threads::Threads)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests/cpp")
  target_compile_definitions(${name} PRIVATE CRDTCORE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  crdtcore_target_warnings(${name})
  if(ARG_DISCOVER)
    gtest_discover_tests(${name}
      DISCOVERY_MODE PRE_TEST
      DISCOVERY_TIMEOUT 60
      PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  else()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  endif()
endfunction()
