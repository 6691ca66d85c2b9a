// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report=format=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report="format=json pure-dialects=mhlo" -o /dev/null | FileCheck %s --check-prefix=PURE
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report="output=%t.json format=json" -o /dev/null && FileCheck %s --check-prefix=JSON < %t.json

// TEXT-LABEL: memopt report for @chain
// TEXT-NEXT:   ops                 3
// TEXT-NEXT:   activation peak     1,536 B (1.5 KiB) at step 1 (mhlo.exponential)
// TEXT-NEXT:   lower bound         1,536 B (1.5 KiB) (largest working set of one op)
// TEXT-NEXT:   resident            2,048 B (2.0 KiB) (arguments, constants, globals)
// TEXT-NEXT:   model               no in-place reuse
// TEXT-NEXT:   largest live values at the peak:
// TEXT-NEXT:     1,024 B  %1 mhlo.exponential steps 1..2
// TEXT-NEXT:       512 B  %0 mhlo.add steps 0..1

// JSON:      "function": "chain",
// JSON:      "lower_bound_bytes": 1536,
// JSON-NEXT: "ops": 3,
// JSON-NEXT: "peak_bytes": 1536,
// JSON-NEXT: "peak_op": "mhlo.exponential",
// JSON-NEXT: "peak_step": 1,
// JSON-NEXT: "resident_bytes": 2048

// PURE: "assumed_pure_dialects": [
// PURE-NEXT: "mhlo"
func.func @chain(%arg0: tensor<128xf32>, %arg1: tensor<384xf32>) -> tensor<64xf32> {
  %0 = "mhlo.add"(%arg0, %arg0) : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
  %1 = "mhlo.exponential"(%0) : (tensor<128xf32>) -> tensor<256xf32>
  %2 = "mhlo.reduce_thing"(%1) : (tensor<256xf32>) -> tensor<64xf32>
  return %2 : tensor<64xf32>
}
