# Installs the memopt build MEMOPT_BUILD_DIR into WORK_DIR/prefix, checks the
# installed memopt-opt and plugin run, then configures and builds the
# downstream project EXAMPLE_SOURCE_DIR against that prefix with
# find_package(memopt) and runs its tool on its example input.
# Run by ctest (examples/CMakeLists.txt) with cmake -P.

function(run)
  cmake_parse_arguments(ARG "" "OUTPUT" "COMMAND" ${ARGN})
  execute_process(COMMAND ${ARG_COMMAND} RESULT_VARIABLE result
    OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    list(JOIN ARG_COMMAND " " command)
    message(FATAL_ERROR "failed (${result}): ${command}\n${output}")
  endif()
  if(ARG_OUTPUT)
    set(${ARG_OUTPUT} "${output}" PARENT_SCOPE)
  endif()
endfunction()

function(expect output text)
  string(FIND "${output}" "${text}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "expected '${text}' in:\n${output}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${prefix})
run(COMMAND ${CMAKE_COMMAND} --install ${MEMOPT_BUILD_DIR} --prefix ${prefix})
foreach(file include/memopt/Transforms/Passes.h
             include/memopt/Transforms/Passes.h.inc
             include/memopt/Transforms/Passes.td
             include/memopt/Dialect/MemOptAttrs.td
             include/memopt/Dialect/MemOptAttrs.h.inc
             lib/cmake/memopt/memoptConfig.cmake
             lib/cmake/memopt/memoptTargets.cmake)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()

set(input ${EXAMPLE_SOURCE_DIR}/example.mlir)
run(COMMAND ${prefix}/bin/memopt-opt ${input} --memory-schedule
    --memopt-report OUTPUT output)
expect("${output}" "schedule saves 49.3%")
run(COMMAND ${MLIR_OPT} --load-dialect-plugin=${prefix}/lib/memopt-plugin.so
    --load-pass-plugin=${prefix}/lib/memopt-plugin.so ${input}
    "--pass-pipeline=builtin.module(func.func(memory-schedule))" OUTPUT output)
expect("${output}" "input_peak_bytes = 804")

set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${build})
set(configure ${CMAKE_COMMAND} -G ${GENERATOR} -S ${EXAMPLE_SOURCE_DIR}
    -B ${build} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
if(COMPILER_LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${COMPILER_LAUNCHER})
endif()
run(COMMAND ${configure})
run(COMMAND ${CMAKE_COMMAND} --build ${build})

# The example's own pipeline, then memopt's passes by name, nested in a
# function pipeline.
run(COMMAND ${build}/downstream-opt ${input} --downstream-memory-stage
    -o /dev/null OUTPUT output)
expect("${output}" "memopt report for @two_branches")
expect("${output}" "schedule saves 49.3%")
expect("${output}" "arena")
run(COMMAND ${build}/downstream-opt ${input}
    "--pass-pipeline=builtin.module(func.func(memopt-annotate,memory-schedule{algorithm=dp}))"
    OUTPUT output)
expect("${output}" "status = optimal, input_peak_bytes = 804")
# The transform route: a script picks the function.
run(COMMAND ${build}/downstream-opt ${input}
    --transform-preload-library=transform-library-paths=${EXAMPLE_SOURCE_DIR}/schedule-chosen.mlir
    --transform-interpreter -o /dev/null OUTPUT output)
expect("${output}" "memopt report for @two_branches")
expect("${output}" "arena")
message(STATUS "memopt installed, found and used by a downstream project")
