// RUN: memopt-opt %s --memopt-plan="partition-concat=true alignment=1" --memopt-report 2>/dev/null | FileCheck %s
// RUN: memopt-opt %s --memopt-plan="partition-concat=true alignment=1" --memopt-report=format=json -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=JSON
// RUN: memopt-opt %s --memopt-plan="alignment=1" 2>/dev/null | FileCheck %s --check-prefix=OFF

// memopt-plan with partition-concat=true partitions, schedules and packs;
// the report says what the rewrite did. Without it, the concat stays.
// CHECK: concat partition    1 concats never materialised; scheduled peak 16,384 B (16.0 KiB) -> 5,120 B (5.0 KiB), 2 ops added
// CHECK-LABEL: func.func @kept
// CHECK-SAME: memopt.concat_partition
// CHECK-SAME: arena_bytes = 5120
// CHECK-NOT: tosa.concat
// JSON: "concat_partition": {
// JSON-NEXT: "ops_added": 2,
// JSON-NEXT: "partitioned": 1,
// JSON-NEXT: "peak_after": 5120,
// JSON-NEXT: "peak_before": 16384
// OFF: tosa.concat
func.func @kept(%x: tensor<1x16x16x2xf32>, %w1: tensor<4x1x1x2xf32>, %w2: tensor<4x1x1x2xf32>, %w: tensor<1x1x1x8xf32>, %bias: tensor<1xf32>) -> tensor<1x16x16x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %w1, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %b = tosa.conv2d %x, %w2, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x16x16x4xf32>, tensor<1x16x16x4xf32>) -> tensor<1x16x16x8xf32>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x1xf32>
  return %y : tensor<1x16x16x1xf32>
}
