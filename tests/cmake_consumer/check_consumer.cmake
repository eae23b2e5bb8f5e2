# cmake -DMODE=<readme|find_package|fetchcontent> -DSOURCE_DIR=<repo> -DWORK_DIR=<dir>
#       [-DGENERATOR=<gen>] [-DCXX_COMPILER=<path>] [-DLAUNCHER=<ccache>] -P check_consumer.cmake
#
# The C++-consumer checks (registered as CTest tests by tests/CMakeLists.txt, Release build only):
#
#   readme        README.md's C++ quickstart (the first ```cpp block) is byte for byte
#                 tests/cmake_consumer/main.cpp, so the program built below is the documented one,
#                 and every code line of README's ```cmake blocks is in its CMakeLists.txt.
#   find_package  configure + build crdtcore alone (Release, tests/benchmarks/Python off), install
#                 component crdtcore_dev into a fresh WORK_DIR/prefix, check what was installed
#                 (exactly the public headers, libcrdtcore.a, the CMake package with the project
#                 version), then build tests/cmake_consumer against it with
#                 find_package(crdtcore CONFIG REQUIRED) and run it.
#   fetchcontent  build tests/cmake_consumer with README's FetchContent snippet, its source
#                 redirected to SOURCE_DIR (FETCHCONTENT_SOURCE_DIR_CRDTCORE, fully disconnected:
#                 no download), with GTest, benchmark, nlohmann_json and ZLIB unfindable, and run it.
#
# Build trees live in WORK_DIR and are reused, so a second run only re-checks (ccache makes a
# fresh tree cheap too). Parallel jobs: $CRDTCORE_JOBS (default 2).
cmake_minimum_required(VERSION 3.18)

foreach(var MODE SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED GENERATOR)
  set(GENERATOR "Ninja")
endif()
set(JOBS "$ENV{CRDTCORE_JOBS}")
if(NOT JOBS)
  set(JOBS 2)
endif()
set(CONSUMER_DIR "${SOURCE_DIR}/tests/cmake_consumer")

# run(<what> <command>...): runs the command, fails the test with its output when it fails.
function(run what)
  message(STATUS "${what}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

set(common_args -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release)
if(CXX_COMPILER)
  list(APPEND common_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(LAUNCHER)
  list(APPEND common_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
# The dependencies of crdtcore's own tests and benchmarks: a consumer must not need them.
set(no_test_deps
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON -DCMAKE_DISABLE_FIND_PACKAGE_ZLIB=ON)

# build_and_run_consumer(<build dir> <configure args>...)
function(build_and_run_consumer dir)
  run("configure consumer" "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${dir}" ${common_args}
      ${no_test_deps} ${ARGN})
  run("build consumer" "${CMAKE_COMMAND}" --build "${dir}" --parallel ${JOBS})
  run("run consumer" "${dir}/consumer")
  if(NOT run_output MATCHES "^alice: >> Hello world!\nbob:   >> Hello world!\n$")
    message(FATAL_ERROR "unexpected consumer output:\n${run_output}")
  endif()
  message(STATUS "consumer output:\n${run_output}")
endfunction()

if(MODE STREQUAL "readme")
  file(READ "${SOURCE_DIR}/README.md" readme)
  string(FIND "${readme}" "\n```cpp\n" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "README.md has no ```cpp block")
  endif()
  math(EXPR start "${start} + 8")
  string(SUBSTRING "${readme}" ${start} -1 rest)
  string(FIND "${rest}" "\n```\n" end)
  if(end EQUAL -1)
    message(FATAL_ERROR "README.md: the ```cpp block is not closed")
  endif()
  math(EXPR end "${end} + 1")
  string(SUBSTRING "${rest}" 0 ${end} snippet)
  file(READ "${CONSUMER_DIR}/main.cpp" main_cpp)
  if(NOT snippet STREQUAL main_cpp)
    file(WRITE "${WORK_DIR}/readme_snippet.cpp" "${snippet}")
    message(FATAL_ERROR "README.md's C++ quickstart differs from tests/cmake_consumer/main.cpp "
                        "(the README's block is in ${WORK_DIR}/readme_snippet.cpp); keep them equal")
  endif()
  message(STATUS "README.md's C++ quickstart is tests/cmake_consumer/main.cpp")
  # README's CMake snippets: each code line (comments dropped, my_app read as consumer) is a
  # line of tests/cmake_consumer/CMakeLists.txt, so the documented commands are the tested ones.
  string(REGEX MATCHALL "\n```cmake\n[^`]*```" cmake_blocks "${readme}")
  if(NOT cmake_blocks)
    message(FATAL_ERROR "README.md has no ```cmake block")
  endif()
  file(STRINGS "${CONSUMER_DIR}/CMakeLists.txt" consumer_lines)
  set(consumer_code "")
  foreach(line IN LISTS consumer_lines)
    string(REGEX REPLACE "#.*" "" line "${line}")
    string(STRIP "${line}" line)
    string(APPEND consumer_code "\n${line}\n")
  endforeach()
  string(REPLACE "\n" ";" readme_cmake_lines "${cmake_blocks}")
  set(checked 0)
  foreach(line IN LISTS readme_cmake_lines)
    string(REGEX REPLACE "#.*" "" line "${line}")
    string(STRIP "${line}" line)
    string(REPLACE "my_app" "consumer" line "${line}")
    if(line STREQUAL "" OR line MATCHES "^```|^(cmake_minimum_required|project)\\(")
      continue()
    endif()
    string(FIND "${consumer_code}" "\n${line}\n" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "README.md's CMake line `${line}` is not in tests/cmake_consumer/CMakeLists.txt")
    endif()
    math(EXPR checked "${checked} + 1")
  endforeach()
  message(STATUS "README.md's CMake snippets: ${checked} lines, all in tests/cmake_consumer/CMakeLists.txt")

elseif(MODE STREQUAL "find_package")
  set(build "${WORK_DIR}/crdtcore-build")
  set(prefix "${WORK_DIR}/prefix")
  run("configure crdtcore" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${build}" ${common_args}
      -DCRDTCORE_BUILD_TESTS=OFF -DCRDTCORE_BUILD_BENCHMARKS=OFF -DCRDTCORE_BUILD_PYTHON=OFF
      -DCRDTCORE_SANITIZE=OFF -DCRDTCORE_INSTALL=ON "-DCMAKE_INSTALL_PREFIX=${prefix}")
  run("build crdtcore" "${CMAKE_COMMAND}" --build "${build}" --parallel ${JOBS})
  file(REMOVE_RECURSE "${prefix}")
  run("install crdtcore" "${CMAKE_COMMAND}" --install "${build}" --component crdtcore_dev)

  # Exactly the public headers, nothing from cpp/src.
  file(GLOB_RECURSE installed_headers RELATIVE "${prefix}/include" "${prefix}/include/*")
  file(GLOB public_headers RELATIVE "${SOURCE_DIR}/cpp/include" "${SOURCE_DIR}/cpp/include/crdtcore/*.h")
  list(SORT installed_headers)
  list(SORT public_headers)
  if(NOT installed_headers STREQUAL public_headers OR NOT public_headers)
    message(FATAL_ERROR "installed include/ is not cpp/include/crdtcore/*.h:\n"
                        "installed: ${installed_headers}\nexpected:  ${public_headers}")
  endif()
  file(GLOB_RECURSE installed_files RELATIVE "${prefix}" "${prefix}/*")
  list(FILTER installed_files EXCLUDE REGEX "^include/")
  list(SORT installed_files)
  # GNUInstallDirs may pick lib64 on some distributions; accept either.
  string(REGEX REPLACE "(^|;)lib64/" "\\1lib/" installed_norm "${installed_files}")
  set(expected_files
    lib/cmake/crdtcore/crdtcoreConfig.cmake lib/cmake/crdtcore/crdtcoreConfigVersion.cmake
    lib/cmake/crdtcore/crdtcoreTargets-release.cmake lib/cmake/crdtcore/crdtcoreTargets.cmake
    lib/libcrdtcore.a)
  if(NOT installed_norm STREQUAL expected_files)
    message(FATAL_ERROR "unexpected installed files:\n${installed_files}\nexpected: ${expected_files}")
  endif()

  # The package version is the project's (pyproject.toml's [project] version).
  file(STRINGS "${SOURCE_DIR}/pyproject.toml" version_line REGEX "^version = " LIMIT_COUNT 1)
  string(REGEX REPLACE "^version = \"(.*)\"$" "\\1" project_version "${version_line}")
  file(GLOB version_file "${prefix}/lib*/cmake/crdtcore/crdtcoreConfigVersion.cmake")
  # What find_package(crdtcore <project version>) would ask.
  set(PACKAGE_FIND_VERSION "${project_version}")
  string(REPLACE "." ";" parts "${project_version}")
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  list(GET parts 2 PACKAGE_FIND_VERSION_PATCH)
  include("${version_file}")
  if(NOT PACKAGE_VERSION STREQUAL project_version OR NOT PACKAGE_VERSION_COMPATIBLE)
    message(FATAL_ERROR "crdtcoreConfigVersion.cmake: version '${PACKAGE_VERSION}', "
                        "pyproject.toml: '${project_version}'")
  endif()

  build_and_run_consumer("${WORK_DIR}/consumer-find_package"
    -DCRDTCORE_CONSUMER_MODE=find_package "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  # It really was the installed package.
  file(STRINGS "${WORK_DIR}/consumer-find_package/CMakeCache.txt" found_dir REGEX "^crdtcore_DIR:")
  if(NOT found_dir MATCHES "^crdtcore_DIR:PATH=${prefix}/lib(64)?/cmake/crdtcore$")
    message(FATAL_ERROR "find_package found another crdtcore: ${found_dir}")
  endif()

elseif(MODE STREQUAL "fetchcontent")
  set(dir "${WORK_DIR}/consumer-fetchcontent")
  build_and_run_consumer("${dir}"
    -DCRDTCORE_CONSUMER_MODE=fetchcontent "-DFETCHCONTENT_SOURCE_DIR_CRDTCORE=${SOURCE_DIR}"
    -DFETCHCONTENT_FULLY_DISCONNECTED=ON)
  file(STRINGS "${dir}/CMakeCache.txt" options REGEX "^CRDTCORE_(BUILD_TESTS|BUILD_BENCHMARKS|INSTALL):")
  list(SORT options)
  if(NOT options STREQUAL "CRDTCORE_BUILD_BENCHMARKS:BOOL=OFF;CRDTCORE_BUILD_TESTS:BOOL=OFF;CRDTCORE_INSTALL:BOOL=OFF")
    message(FATAL_ERROR "crdtcore as a subproject: expected tests, benchmarks and install off: ${options}")
  endif()

else()
  message(FATAL_ERROR "MODE: ${MODE}")
endif()
