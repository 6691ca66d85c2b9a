// A transform script kept in a library file (Inputs/plan-chosen.mlir) plans
// the chosen function of a payload that holds no script, and can run the
// module-level report on the payload module itself.
// RUN: memopt-opt %s \
// RUN:   --transform-preload-library=transform-library-paths=%S/Inputs/plan-chosen.mlir \
// RUN:   --transform-interpreter -o %t.mlir | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s < %t.mlir

// REPORT: "function": "chosen"
// REPORT: "input_peak_bytes": 804
// REPORT: "peak_bytes": 408
// REPORT: "function": "other"
// REPORT: "peak_bytes": 804

// CHECK-LABEL: func.func @chosen
// CHECK-SAME: peak_bytes = 408
// CHECK-SAME: arena_bytes = 420
// CHECK-LABEL: func.func @other
// CHECK-NOT: memopt.
func.func @chosen(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}
func.func @other(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}
