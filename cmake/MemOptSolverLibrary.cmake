# memopt's libraries are static and position independent, so that both the
# memopt-opt driver and the pass plugin can embed them. They never link LLVM or
# MLIR themselves: the final binary does (memopt-opt and the unit tests link
# the libMLIR/libLLVM dylibs; the plugin's host provides them; a downstream
# compiler links the dylibs or its own MLIR libraries).
#
# Every library is installed and exported (memoptTargets, namespace memopt::)
# with its headers' directories as usage requirements, so that
# find_package(memopt) gives them to downstream projects.

function(add_memopt_library_common name)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  install(TARGETS ${name} EXPORT memoptTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()

# A library that knows no MLIR: the memory model and the solvers. It may use
# LLVM's ADT and Support.
function(add_memopt_solver_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS_ON" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_memopt_library_common(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS_ON})
endfunction()

# A library on top of MLIR: the dialect, the model extraction and the passes.
function(add_memopt_mlir_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_memopt_library_common(${name})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS})
endfunction()
