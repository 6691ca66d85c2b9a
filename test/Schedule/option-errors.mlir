// Options of memory-schedule out of range are rejected with an error.
// RUN: not memopt-opt %s --memory-schedule=time-limit=nan 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not memopt-opt %s --memory-schedule=time-limit=-inf 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not memopt-opt %s --memory-schedule=time-limit=-2 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not memopt-opt %s --memory-schedule=memory-limit-mb=0 2>&1 | FileCheck %s --check-prefix=MEMORY
// RUN: not memopt-opt %s --memory-schedule=memory-limit-mb=-5 2>&1 | FileCheck %s --check-prefix=MEMORY
// RUN: not memopt-opt %s --memory-schedule=memory-limit-mb=8796093022208 2>&1 | FileCheck %s --check-prefix=MEMORY
// RUN: not memopt-opt %s --memory-schedule=memory-limit-mb=12x 2>&1 | FileCheck %s --check-prefix=PARSE
//
// inf is no limit, and the largest memory limit converts to bytes.
// RUN: memopt-opt %s --memory-schedule="time-limit=inf memory-limit-mb=8796093022207" | FileCheck %s --check-prefix=OK

// TIME: error: memory-schedule: time-limit must be positive seconds, or inf for no limit
// MEMORY: error: memory-schedule: memory-limit-mb must be between 1 and 8796093022207, got
// PARSE: '12x' value invalid for long argument
// OK: #memopt.summary<peak_bytes = 128

func.func @chain(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = arith.negf %arg0 : tensor<16xf32>
  %1 = math.exp %0 : tensor<16xf32>
  return %1 : tensor<16xf32>
}
