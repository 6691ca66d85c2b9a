// RUN: memopt-opt %s --memopt-remat=budget=500 | FileCheck %s
// RUN: memopt-opt %s --memopt-remat="budget=500 reorder=false" | FileCheck %s --check-prefix=FIXED

// Both exps are live together in the given order. Keeping it, each exp is
// recomputed right before its reduction (the originals die at once); the
// scheduler's order runs each reduction right after its exp and meets the
// budget with nothing recomputed, so reorder=true keeps that.
// CHECK-LABEL: func.func @interleaved
// CHECK-SAME: memopt.remat = #memopt.remat<budget_bytes = 500, input_peak_bytes = 804, reordered_peak_bytes = 408, peak_bytes = 408, base_cost = 401, added_cost = 0, recomputed_ops = 0, algorithm = "greedy", status = optimal, cost_lower_bound = 0>
// CHECK-SAME: memopt.summary = #memopt.summary<peak_bytes = 408, resident_bytes = 400, lower_bound_bytes = 404, algorithm = "{{[a-z]+}}", status = feasible, input_peak_bytes = 804>
// CHECK: %[[A:.*]] = tosa.exp %arg0
// CHECK-NEXT: %[[RA:.*]] = tosa.reduce_sum %[[A]]
// CHECK-NEXT: %[[B:.*]] = tosa.exp %arg0
// CHECK-NEXT: %[[RB:.*]] = tosa.reduce_sum %[[B]]
// CHECK-NEXT: tosa.add %[[RA]], %[[RB]]
// CHECK-NOT: memopt.recomputed_from

// FIXED-LABEL: func.func @interleaved
// FIXED-SAME: memopt.remat = #memopt.remat<budget_bytes = 500, input_peak_bytes = 804, peak_bytes = 408, base_cost = 401, added_cost = 200, recomputed_ops = 2, algorithm = "greedy", status = optimal, cost_lower_bound = 200>
// FIXED-SAME: algorithm = "remat"
// FIXED: %[[A:.*]] = tosa.exp %arg0
// FIXED-NEXT: %[[B:.*]] = tosa.exp %arg0
// FIXED-NEXT: %[[A2:.*]] = tosa.exp %arg0 {memopt.recomputed_from = 0 : i64}
// FIXED-NEXT: %[[RA:.*]] = tosa.reduce_sum %[[A2]]
// FIXED-NEXT: %[[B2:.*]] = tosa.exp %arg0 {memopt.recomputed_from = 1 : i64}
// FIXED-NEXT: %[[RB:.*]] = tosa.reduce_sum %[[B2]]
// FIXED-NEXT: tosa.add %[[RA]], %[[RB]]
func.func @interleaved(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %ra = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %rb = tosa.reduce_sum %b {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %s = tosa.add %ra, %rb : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %s : tensor<1xf32>
}
