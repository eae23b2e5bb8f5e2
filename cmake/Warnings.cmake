# crdtcore_target_warnings(<target>): the project warning set, applied to our own targets only
# (third-party headers come in as SYSTEM includes). Warnings are not errors.
function(crdtcore_target_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4)
  endif()
endfunction()
