// RUN: memopt-opt %s -split-input-file --memopt-remat=budget=802 | FileCheck %s

// %a is held across the step that computes %s; recomputing it right before
// its later use frees 400 bytes there. The original still feeds %c.
// CHECK-LABEL: func.func @held_across
// CHECK-SAME: peak_bytes = 800
// CHECK-SAME: algorithm = "remat-auto", status = optimal
// CHECK: %[[A:.*]] = tosa.exp %arg0
// CHECK-NEXT: %[[C:.*]] = tosa.sigmoid %[[A]]
// CHECK-NEXT: %[[S:.*]] = tosa.reduce_sum %[[C]]
// CHECK-NEXT: %[[A2:.*]] = tosa.exp %arg0 {memopt.recomputed_from = 0 : i64}
// CHECK-NEXT: %[[T:.*]] = tosa.reduce_sum %[[A2]]
// CHECK-NEXT: tosa.add %[[T]], %[[S]]
func.func @held_across(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %c = tosa.sigmoid %a : (tensor<100xf32>) -> tensor<100xf32>
  %s = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %u = tosa.add %t, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}

// -----

// Within the budget already: nothing changes.
// CHECK-LABEL: func.func @within_budget
// CHECK-NOT: memopt.recomputed_from
func.func @within_budget(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  return %t : tensor<1xf32>
}
