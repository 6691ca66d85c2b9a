// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memory-schedule -verify-diagnostics | FileCheck %s

// Unregistered ops of a dialect not listed as pure pin the order: the pass
// says so once per function and dialect, naming the option that frees them.
// CHECK-LABEL: func.func @forgotten_pure_dialect
// CHECK-SAME: algorithm = "input"
// expected-warning @+1 {{memory-schedule: 4 ops of dialect onnx are ordering barriers; pass pure-dialects=onnx if they have no side effects (the schedule is optimal only among orders that keep them in place)}}
func.func @forgotten_pure_dialect() -> tensor<1xf32> {
  %a1 = "onnx.Expand"() : () -> tensor<100xf32>
  %b1 = "onnx.Expand"() : () -> tensor<100xf32>
  %a2 = "onnx.ReduceSum"(%a1) : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = "onnx.ReduceSum"(%b1) : (tensor<100xf32>) -> tensor<1xf32>
  %r = arith.addf %a2, %b2 : tensor<1xf32>
  return %r : tensor<1xf32>
}

// -----

// An unregistered last op may be a terminator: the branches are reordered
// above it, nothing moves below it, and what it reads stays live to the end.
// A single barrier orders nothing, so there is no warning.
// CHECK-LABEL: func.func @unregistered_terminator
// CHECK-SAME: peak_bytes = 408
// CHECK: tosa.exp
// CHECK-NEXT: tosa.reduce_sum
// CHECK-NEXT: tosa.sigmoid
// CHECK-NEXT: tosa.reduce_sum
// CHECK-NEXT: "foo.ret"
func.func @unregistered_terminator(%x: tensor<100xf32>) {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  "foo.ret"(%a2, %b2) : (tensor<1xf32>, tensor<1xf32>) -> ()
}
