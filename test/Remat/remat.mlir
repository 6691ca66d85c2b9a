// RUN: memopt-opt %s -split-input-file --memopt-remat=budget=802 | FileCheck %s

// %a is held across the step that computes %s; recomputing it right before
// its later use frees 400 bytes there. The original still feeds %c.
// CHECK-LABEL: func.func @held_across
// CHECK-SAME: memopt.remat = #memopt.remat<budget_bytes = 802, input_peak_bytes = 804, peak_bytes = 800, base_cost = 401, added_cost = 100, recomputed_ops = 1, algorithm = "greedy", status = optimal, cost_lower_bound = 100>
// CHECK-SAME: memopt.summary = #memopt.summary<peak_bytes = 800, resident_bytes = 400, lower_bound_bytes = 800, algorithm = "remat", status = optimal>
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

// Within the budget already: nothing changes but the record.
// CHECK-LABEL: func.func @within_budget
// CHECK-SAME: memopt.remat = #memopt.remat<budget_bytes = 802, input_peak_bytes = 404, peak_bytes = 404, base_cost = 200, added_cost = 0, recomputed_ops = 0, algorithm = "greedy", status = optimal, cost_lower_bound = 0>
// CHECK-NOT: memopt.recomputed_from
func.func @within_budget(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  return %t : tensor<1xf32>
}
