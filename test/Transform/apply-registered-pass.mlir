// memopt's passes on chosen functions through the transform dialect:
// transform.structured.match picks the functions, and
// transform.apply_registered_pass runs a pass (with options) on each.
//
// The script inside the payload module:
// RUN: memopt-opt %s --transform-interpreter | FileCheck %s
// The same with the stock mlir-opt and the plugin:
// RUN: %mlir_opt %s --transform-interpreter \
// RUN:   --load-dialect-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --load-pass-plugin=%memopt_libs/memopt-plugin%shlibext | FileCheck %s

// CHECK-LABEL: func.func @chosen
// CHECK-SAME: peak_bytes = 408
// CHECK-SAME: status = optimal, input_peak_bytes = 804
// CHECK-SAME: arena_bytes = 420
// CHECK: tosa.exp {{.*}}memopt.buffers
// CHECK-NEXT: tosa.reduce_sum
// CHECK-NEXT: tosa.sigmoid
// CHECK-LABEL: func.func @other
// CHECK-NOT: memopt.
// CHECK: tosa.exp
// CHECK-NEXT: tosa.sigmoid
// CHECK: transform.named_sequence
module attributes {transform.with_named_sequence} {
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
  transform.named_sequence @__transform_main(%module: !transform.any_op {transform.readonly}) {
    %chosen = transform.structured.match ops{["func.func"]} attributes{sym_name = "chosen"} in %module
      : (!transform.any_op) -> !transform.any_op
    %scheduled = transform.apply_registered_pass "memory-schedule" with options = {algorithm = "dp", "time-limit" = 5.0 : f64} to %chosen
      : (!transform.any_op) -> !transform.any_op
    %planned = transform.apply_registered_pass "memopt-assign-offsets" with options = {alignment = 16 : i64} to %scheduled
      : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
