// A summary written before canonicalize describes another body: the passes
// that read it drop what no longer holds instead of writing a lower bound
// above the new peak, and the output parses again.
//
// RUN: memopt-opt %s --memory-schedule --canonicalize --memopt-assign-offsets | FileCheck %s
// RUN: memopt-opt %s --memory-schedule --canonicalize --memopt-assign-offsets | memopt-opt | FileCheck %s
// RUN: memopt-opt %s --memory-schedule --canonicalize --memopt-annotate | memopt-opt | FileCheck %s --check-prefix=ANNOTATE
// RUN: memopt-opt %s --memory-schedule --canonicalize --memopt-report=format=json -o /dev/null | FileCheck %s --check-prefix=REPORT
//
// Without canonicalize, what the scheduler recorded is kept.
// RUN: memopt-opt %s --memory-schedule --memopt-assign-offsets | FileCheck %s --check-prefix=KEPT

// The dead exp of 4 KiB and the tensor.empty it reads (a buffer of its own,
// as bufferization allocates it) set the lower bound; canonicalize removes
// them.
// CHECK-LABEL: func.func @dead_code
// CHECK-SAME: #memopt.summary<peak_bytes = 64, resident_bytes = 64, lower_bound_bytes = 64, algorithm = "input", status = optimal, arena_bytes = 64
// ANNOTATE: #memopt.summary<peak_bytes = 64, resident_bytes = 64, lower_bound_bytes = 64, algorithm = "input", status = optimal>
// REPORT-NOT: "algorithm"
// REPORT: "lower_bound_bytes": 64,
// REPORT: "peak_bytes": 64,
// KEPT: #memopt.summary<peak_bytes = 8192, resident_bytes = 64, lower_bound_bytes = 8192, algorithm = "{{.*}}", status = optimal, input_peak_bytes = 8256, {{.*}}arena_bytes = 8192
func.func @dead_code(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = arith.negf %arg0 : tensor<16xf32>
  %big = tensor.empty() : tensor<1024xf32>
  %dead = math.exp %big : tensor<1024xf32>
  return %0 : tensor<16xf32>
}
