// Options of the packing passes out of range are rejected with an error.
// RUN: not memopt-opt %s --memopt-assign-offsets=time-limit=nan 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not memopt-opt %s --memopt-arena=time-limit=-inf 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not memopt-opt %s --memopt-assign-offsets=alignment=8589934592 2>&1 | FileCheck %s --check-prefix=ALIGN
// RUN: not memopt-opt %s --memopt-arena=alignment=-64 2>&1 | FileCheck %s --check-prefix=ALIGN
// RUN: not memopt-opt %s --memopt-assign-offsets=alignment=48 2>&1 | FileCheck %s --check-prefix=ALIGN
//
// inf is no limit; 2^32 is the largest alignment.
// RUN: memopt-opt %s --memopt-assign-offsets="time-limit=inf alignment=4294967296" | FileCheck %s --check-prefix=OK

// TIME: error: memopt-{{assign-offsets|arena}}: time-limit must be positive seconds, or inf for no limit
// ALIGN: error: memopt-{{assign-offsets|arena}}: alignment must be a power of two between 1 and 4294967296, got
// OK: arena_bytes = 4294967360
// OK: memopt.buffers = [#memopt.buffer<0, 64, 4294967296>]
// OK: memopt.buffers = [#memopt.buffer<4294967296, 64, 4294967296>]

func.func @chain(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = arith.negf %arg0 : tensor<16xf32>
  %1 = math.exp %0 : tensor<16xf32>
  return %1 : tensor<16xf32>
}
