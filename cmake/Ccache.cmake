# Use ccache as the compiler launcher when it is installed and the user has not chosen one.
find_program(CRDTCORE_CCACHE_PROGRAM ccache)
if(CRDTCORE_CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CRDTCORE_CCACHE_PROGRAM}")
endif()
