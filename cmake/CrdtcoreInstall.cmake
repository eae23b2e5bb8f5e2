# install() rules for C++ users (CRDTCORE_INSTALL; OFF under scikit-build-core, so the wheel
# holds only the Python package). Everything is in the install component crdtcore_dev:
#
#   <prefix>/lib/libcrdtcore.a                      the core library (static, PIC)
#   <prefix>/include/crdtcore/*.h                   the public headers (cpp/include only)
#   <prefix>/lib/cmake/crdtcore/crdtcoreConfig.cmake, crdtcoreConfigVersion.cmake,
#                               crdtcoreTargets*.cmake
#
# find_package(crdtcore CONFIG) then defines the imported target crdtcore::crdtcore.
include(CMakePackageConfigHelpers)

set(CRDTCORE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/crdtcore"
    CACHE STRING "Where the crdtcore CMake package files are installed (relative to the prefix)")

install(TARGETS crdtcore_core
  EXPORT crdtcoreTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT crdtcore_dev
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT crdtcore_dev)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/cpp/include/crdtcore"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT crdtcore_dev
  FILES_MATCHING PATTERN "*.h")
install(EXPORT crdtcoreTargets
  NAMESPACE crdtcore::
  DESTINATION "${CRDTCORE_INSTALL_CMAKEDIR}"
  COMPONENT crdtcore_dev)

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/crdtcoreConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/crdtcoreConfig.cmake"
  INSTALL_DESTINATION "${CRDTCORE_INSTALL_CMAKEDIR}")
# 0.x: minor versions may break the API, so 0.1 accepts 0.1.y only; from 1.0 on, SameMajorVersion.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_crdtcore_compat SameMinorVersion)
else()
  set(_crdtcore_compat SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/crdtcoreConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY ${_crdtcore_compat})
install(FILES "${PROJECT_BINARY_DIR}/crdtcoreConfig.cmake"
              "${PROJECT_BINARY_DIR}/crdtcoreConfigVersion.cmake"
  DESTINATION "${CRDTCORE_INSTALL_CMAKEDIR}"
  COMPONENT crdtcore_dev)
