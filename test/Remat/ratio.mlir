// RUN: memopt-opt %s --memopt-remat=budget-ratio=0.996 | FileCheck %s

// A budget as a ratio of the given order's peak: ceil(0.996 x 804) = 801.
// CHECK-LABEL: func.func @held_across
// CHECK-SAME: memopt.remat = #memopt.remat<budget_bytes = 801, input_peak_bytes = 804, peak_bytes = 800,
// CHECK: memopt.recomputed_from = 0
func.func @held_across(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %c = tosa.sigmoid %a : (tensor<100xf32>) -> tensor<100xf32>
  %s = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %u = tosa.add %t, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}
