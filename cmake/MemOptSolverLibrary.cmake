# Libraries that know no MLIR: the memory model and the solvers. They use LLVM's
# ADT and Support only, are position independent so that the pass plugin can
# embed them, and leave LLVM itself to be linked by the final binary (the
# plugin's host provides it).
function(add_memopt_solver_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS_ON" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS_ON})
endfunction()
