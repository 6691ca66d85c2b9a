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

// -----

// The same on linalg: a linalg.generic whose body reads only its block
// arguments and whose init is a tensor.empty is recomputed.
// CHECK-LABEL: func.func @held_across_linalg
// CHECK-SAME: memopt.remat = #memopt.remat<budget_bytes = 802, input_peak_bytes = 804, peak_bytes = 800, base_cost = 400, added_cost = 100, recomputed_ops = 1
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg0
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[A]]
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[C]]
// CHECK: %[[A2:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<100xf32>) {{.*}} attrs = {memopt.recomputed_from = 1 : i64}
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[A2]] : tensor<100xf32>) outs(%[[S]]
#id = affine_map<(d0) -> (d0)>
#red = affine_map<(d0) -> (0)>
func.func @held_across_linalg(%x: tensor<100xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
  %e0 = tensor.empty() : tensor<100xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<100xf32>) outs(%e0 : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<100xf32>
  %e1 = tensor.empty() : tensor<100xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<100xf32>) outs(%e1 : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<100xf32>
  %s = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]} ins(%c : tensor<100xf32>) outs(%init : tensor<1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  %t = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]} ins(%a : tensor<100xf32>) outs(%s : tensor<1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  return %t : tensor<1xf32>
}
