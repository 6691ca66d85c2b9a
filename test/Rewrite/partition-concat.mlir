// RUN: memopt-opt %s --split-input-file --memopt-partition-concat=only-if-lower=false 2>/dev/null | FileCheck %s
// RUN: memopt-opt %s --split-input-file --memopt-partition-concat 2>/dev/null | FileCheck %s --check-prefix=KEEP

// Channel-wise: the first part runs the tosa conv with the bias, the others
// accumulate into its result (padded parts, sliced OHWI weights).
// CHECK-LABEL: func.func @channel_wise
// CHECK-SAME: (%[[A:.+]]: tensor<1x4x4x2xf32>, %[[B:.+]]: tensor<1x4x4x3xf32>, %[[W:.+]]: tensor<6x3x3x5xf32>, %[[BIAS:.+]]: tensor<6xf32>)
// CHECK-NOT: tosa.concat
// CHECK-DAG: %[[W0:.+]] = tensor.extract_slice %[[W]][0, 0, 0, 0] [6, 3, 3, 2] [1, 1, 1, 1]
// CHECK-DAG: %[[W1:.+]] = tensor.extract_slice %[[W]][0, 0, 0, 2] [6, 3, 3, 3] [1, 1, 1, 1]
// CHECK-DAG: %[[P0:.+]] = tosa.conv2d %[[A]], %[[W0]], %[[BIAS]]
// CHECK-DAG: %[[PAD:.+]] = tensor.pad %[[B]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[Y:.+]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD]], %[[W1]] : {{.*}}) outs(%[[P0]] : tensor<1x4x4x6xf32>)
// CHECK: return %[[Y]]
func.func @channel_wise(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %w: tensor<6x3x3x5xf32>, %bias: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x5xf32>, tensor<6x3x3x5xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// -----

// Integer convolutions cannot accumulate into a float destination: partial
// tosa convs (the bias in the first only) summed by tosa.add, exact in i32.
// CHECK-LABEL: func.func @integer
// CHECK-NOT: tosa.concat
// CHECK: %[[ZERO:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK: %[[P0:.+]] = tosa.conv2d %{{.+}}, %{{.+}}, %arg3,
// CHECK: %[[P1:.+]] = tosa.conv2d %{{.+}}, %{{.+}}, %[[ZERO]],
// CHECK: tosa.add %[[P0]], %[[P1]] : (tensor<1x4x4x1xi32>, tensor<1x4x4x1xi32>) -> tensor<1x4x4x1xi32>
func.func @integer(%a: tensor<1x4x4x8xi8>, %b: tensor<1x4x4x8xi8>, %w: tensor<1x1x1x16xi8>, %bias: tensor<1xi32>) -> tensor<1x4x4x1xi32> {
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x16xi8>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x16xi8>, tensor<1x1x1x16xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x1xi32>
  return %y : tensor<1x4x4x1xi32>
}

// -----

// Kernel-wise: one depthwise conv per part (HWCM weight and bias sliced,
// multiplier 2), concatenated; the smaller (stride 2) result is left there.
// CHECK-LABEL: func.func @kernel_wise
// CHECK-SAME: (%[[A:.+]]: tensor<1x4x4x2xf32>, %[[B:.+]]: tensor<1x4x4x3xf32>, %[[W:.+]]: tensor<3x3x5x2xf32>, %[[BIAS:.+]]: tensor<10xf32>)
// CHECK-DAG: %[[W0:.+]] = tensor.extract_slice %[[W]][0, 0, 0, 0] [3, 3, 2, 2]
// CHECK-DAG: %[[B0:.+]] = tensor.extract_slice %[[BIAS]][0] [4]
// CHECK-DAG: %[[W1:.+]] = tensor.extract_slice %[[W]][0, 0, 2, 0] [3, 3, 3, 2]
// CHECK-DAG: %[[B1:.+]] = tensor.extract_slice %[[BIAS]][4] [6]
// CHECK-DAG: %[[D0:.+]] = tosa.depthwise_conv2d %[[A]], %[[W0]], %[[B0]], {{.*}} -> tensor<1x2x2x4xf32>
// CHECK-DAG: %[[D1:.+]] = tosa.depthwise_conv2d %[[B]], %[[W1]], %[[B1]], {{.*}} -> tensor<1x2x2x6xf32>
// CHECK: %[[Y:.+]] = tosa.concat %[[D0]], %[[D1]] {axis = 3 : i32}
// CHECK: return %[[Y]]
func.func @kernel_wise(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %w: tensor<3x3x5x2xf32>, %bias: tensor<10xf32>) -> tensor<1x2x2x10xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %y = tosa.depthwise_conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x5xf32>, tensor<3x3x5x2xf32>, tensor<10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x10xf32>
  return %y : tensor<1x2x2x10xf32>
}

// -----

// Per-channel ops are pushed through the concat (ReLU, a per-channel scale
// sliced with the parts, a spatial slice), a nested concat is flattened, and
// the separable conv (depthwise then 1x1) never sees a concat.
// CHECK-LABEL: func.func @pushed
// CHECK-SAME: (%[[A:.+]]: tensor<1x6x6x2xf32>, %[[B:.+]]: tensor<1x6x6x2xf32>, %[[C:.+]]: tensor<1x6x6x4xf32>, %[[S:.+]]: tensor<1x1x1x8xf32>
// CHECK-NOT: tosa.concat
// CHECK-DAG: tosa.clamp %[[A]]
// CHECK-DAG: tosa.clamp %[[B]]
// CHECK-DAG: tosa.clamp %[[C]]
// CHECK-DAG: tensor.extract_slice %[[S]][0, 0, 0, 4] [1, 1, 1, 4]
// CHECK-DAG: tosa.slice {{.*}} -> tensor<1x4x4x4xf32>
// CHECK-DAG: tosa.depthwise_conv2d {{.*}} -> tensor<1x4x4x4xf32>
// CHECK-DAG: tosa.conv2d
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK-NOT: tosa.concat
// CHECK: return
func.func @pushed(%a: tensor<1x6x6x2xf32>, %b: tensor<1x6x6x2xf32>, %c: tensor<1x6x6x4xf32>, %s: tensor<1x1x1x8xf32>, %dw: tensor<3x3x8x1xf32>, %w: tensor<3x1x1x8xf32>, %bias: tensor<3xf32>) -> tensor<1x4x4x3xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %start = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 4, 4, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %ab = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x6x6x2xf32>, tensor<1x6x6x2xf32>) -> tensor<1x6x6x4xf32>
  %x = tosa.concat %ab, %c {axis = 3 : i32} : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x8xf32>
  %r = tosa.clamp %x {max_val = 3.0e38 : f32, min_val = 0.0 : f32} : (tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %m = tosa.mul %r, %s, %shift : (tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32>, tensor<1xi8>) -> tensor<1x6x6x8xf32>
  %sl = tosa.slice %m, %start, %size : (tensor<1x6x6x8xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x8xf32>
  %d = tosa.depthwise_conv2d %sl, %dw, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %y = tosa.conv2d %d, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// Two branches each read by a 1x1 conv to few channels: with the rewrite,
// each part is consumed by its partial conv as soon as it is made, and the
// scheduled peak drops, so the default pass keeps it (recording what it did).
// KEEP-LABEL: func.func @kept
// KEEP-SAME: memopt.concat_partition = {ops_added = 2 : i64, partitioned = 1 : i64, peak_after = 5120 : i64, peak_before = 16384 : i64}
// KEEP-NOT: tosa.concat
// KEEP: return
func.func @kept(%x: tensor<1x16x16x2xf32>, %w1: tensor<4x1x1x2xf32>, %w2: tensor<4x1x1x2xf32>, %w: tensor<1x1x1x8xf32>, %bias: tensor<1xf32>) -> tensor<1x16x16x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %w1, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %b = tosa.conv2d %x, %w2, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x16x16x4xf32>, tensor<1x16x16x4xf32>) -> tensor<1x16x16x8xf32>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x1xf32>
  return %y : tensor<1x16x16x1xf32>
}

// -----

// Of two valid rewrites, the default pass keeps the one that lowers the
// scheduled peak; only-if-lower=false keeps both.
// CHECK-LABEL: func.func @selected
// CHECK-SAME: memopt.concat_partition = {ops_added = 4 : i64, partitioned = 2 : i64
// CHECK-NOT: tosa.concat
// KEEP-LABEL: func.func @selected
// KEEP-SAME: memopt.concat_partition = {ops_added = 2 : i64, partitioned = 1 : i64, peak_after = 5120 : i64, peak_before = 16384 : i64}
// KEEP: tosa.concat %{{.*}}, %{{.*}} {axis = 3 : i32} : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>)
// KEEP: return
func.func @selected(%x: tensor<1x16x16x2xf32>, %w1: tensor<4x1x1x2xf32>, %w2: tensor<4x1x1x2xf32>, %w: tensor<1x1x1x8xf32>, %bias: tensor<1xf32>, %p: tensor<1x2x2x1xf32>, %q: tensor<1x2x2x1xf32>, %v: tensor<1x1x1x2xf32>) -> (tensor<1x16x16x1xf32>, tensor<1x2x2x1xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %w1, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %b = tosa.conv2d %x, %w2, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x16x16x4xf32>, tensor<1x16x16x4xf32>) -> tensor<1x16x16x8xf32>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x1xf32>
  %pq = tosa.concat %p, %q {axis = 3 : i32} : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32>
  %z = tosa.conv2d %pq, %v, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y, %z : tensor<1x16x16x1xf32>, tensor<1x2x2x1xf32>
}
