// RUN: memopt-opt %s --memopt-plan="alignment=1" | FileCheck %s
// RUN: %mlir_opt %s --load-dialect-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --load-pass-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --pass-pipeline="builtin.module(memopt-plan{alignment=1})" | FileCheck %s

// The memopt-plan pipeline schedules, then packs the new order.
// CHECK-LABEL: func.func @two_branches
// CHECK-SAME: peak_bytes = 408
// CHECK-SAME: input_peak_bytes = 804
// CHECK-SAME: arena_bytes = 408
// CHECK: tosa.exp {{.*}}memopt.buffers
// CHECK-NEXT: tosa.reduce_sum
func.func @two_branches(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}
