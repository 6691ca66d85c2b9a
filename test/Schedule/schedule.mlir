// RUN: memopt-opt %s -split-input-file --memory-schedule=algorithm=dp | FileCheck %s --check-prefixes=CHECK,EXACT
// RUN: memopt-opt %s -split-input-file --memory-schedule | FileCheck %s --check-prefixes=CHECK,EXACT
// RUN: memopt-opt %s -split-input-file --memory-schedule=algorithm=ilp | FileCheck %s

// Two branches each expand the input to 400 bytes and reduce it to 4. In the
// input order both expansions are live at once (804 bytes at the first
// reduction); finishing one branch before starting the other peaks at 408
// (a2 + b1 + b2), which the exact search proves optimal, raising the
// working-set bound of 404 to 408.
// CHECK-LABEL: func.func @two_branches
// CHECK-SAME: peak_bytes = 408
// EXACT-SAME: lower_bound_bytes = 408
// EXACT-SAME: status = optimal, input_peak_bytes = 804
// CHECK: %[[A1:.+]] = tosa.exp
// CHECK-NEXT: %[[A2:.+]] = tosa.reduce_sum %[[A1]]
// CHECK-NEXT: %[[B1:.+]] = tosa.sigmoid
// CHECK-NEXT: %[[B2:.+]] = tosa.reduce_sum %[[B1]]
// CHECK-NEXT: tosa.add %[[A2]], %[[B2]]
func.func @two_branches(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}

// -----

// An order that is already optimal stays as it is.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: status = optimal, input_peak_bytes = 800
// CHECK: tosa.exp
// CHECK-NEXT: tosa.sigmoid
// CHECK-NEXT: tosa.tanh
func.func @chain(%x: tensor<100xf32>) -> tensor<100xf32> {
  %0 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %1 = tosa.sigmoid %0 : (tensor<100xf32>) -> tensor<100xf32>
  %2 = tosa.tanh %1 : (tensor<100xf32>) -> tensor<100xf32>
  return %2 : tensor<100xf32>
}
