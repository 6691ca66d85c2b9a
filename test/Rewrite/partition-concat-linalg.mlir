// RUN: memopt-opt %s --split-input-file --memopt-partition-concat=only-if-lower=false 2>/dev/null | FileCheck %s

// memopt-partition-concat on programs already lowered by
// --tosa-to-linalg-pipeline: the concat is a tensor.empty + insert_slice
// chain (or a tensor.concat), the convolution linalg.conv_2d_nhwc_fhwc with a
// broadcast-bias init.

// Channel-wise: each padded part is convolved with its slice of the FHWC
// weight; the first partial conv writes into the bias init, each next one
// into the previous result.
// CHECK-LABEL: func.func @channel_wise
// CHECK-SAME: (%[[A:.+]]: tensor<1x4x4x2xf32>, %[[B:.+]]: tensor<1x4x4x3xf32>, %[[W:.+]]: tensor<6x3x3x5xf32>, %[[BIAS:.+]]: tensor<6xf32>)
// CHECK-NOT: tensor.insert_slice
// CHECK: %[[PA:.+]] = tensor.pad %[[A]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK: %[[W0:.+]] = tensor.extract_slice %[[W]][0, 0, 0, 0] [6, 3, 3, 2] [1, 1, 1, 1]
// CHECK: %[[P0:.+]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PA]], %[[W0]] : {{.*}}) outs(%[[INIT]] : tensor<1x4x4x6xf32>)
// CHECK: %[[PB:.+]] = tensor.pad %[[B]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[W1:.+]] = tensor.extract_slice %[[W]][0, 0, 0, 2] [6, 3, 3, 3] [1, 1, 1, 1]
// CHECK: %[[P1:.+]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PB]], %[[W1]] : {{.*}}) outs(%[[P0]] : tensor<1x4x4x6xf32>)
// CHECK-NOT: tensor.insert_slice
// CHECK: return %[[P1]]
func.func @channel_wise(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %w: tensor<6x3x3x5xf32>, %bias: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x5xf32>
  %s0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x5xf32>
  %c = tensor.insert_slice %b into %s0[0, 0, 0, 2] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x5xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x5xf32> to tensor<1x6x6x5xf32>
  %eo = tensor.empty() : tensor<1x4x4x6xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<6xf32>) outs(%eo : tensor<1x4x4x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x6xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x6x6x5xf32>, tensor<6x3x3x5xf32>) outs(%init : tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// -----

// Per-channel generics (ReLU, then a scale indexed by the channel alone) are
// pushed through a tensor.concat: one generic per part, the scale sliced,
// a tensor.empty of the part's shape as init; then a 1x1 conv splits.
// CHECK-LABEL: func.func @per_channel
// CHECK-SAME: (%[[A:.+]]: tensor<1x4x4x2xf32>, %[[B:.+]]: tensor<1x4x4x3xf32>, %[[S:.+]]: tensor<5xf32>, %[[W:.+]]: tensor<4x1x1x5xf32>, %[[INIT:.+]]: tensor<1x4x4x4xf32>)
// CHECK-NOT: tensor.concat
// CHECK-DAG: %[[RA:.+]] = linalg.generic {{.*}} ins(%[[A]] : tensor<1x4x4x2xf32>) outs(%{{.+}} : tensor<1x4x4x2xf32>)
// CHECK-DAG: %[[RB:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<1x4x4x3xf32>) outs(%{{.+}} : tensor<1x4x4x3xf32>)
// CHECK-DAG: %[[SA:.+]] = tensor.extract_slice %[[S]][0] [2] [1]
// CHECK-DAG: %[[SB:.+]] = tensor.extract_slice %[[S]][2] [3] [1]
// CHECK-DAG: %[[XA:.+]] = linalg.generic {{.*}} ins(%[[RA]], %[[SA]] : tensor<1x4x4x2xf32>, tensor<2xf32>)
// CHECK-DAG: %[[XB:.+]] = linalg.generic {{.*}} ins(%[[RB]], %[[SB]] : tensor<1x4x4x3xf32>, tensor<3xf32>)
// CHECK: %[[P0:.+]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[XA]], %{{.+}} : {{.*}}) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
// CHECK: %[[P1:.+]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[XB]], %{{.+}} : {{.*}}) outs(%[[P0]] : tensor<1x4x4x4xf32>)
// CHECK-NOT: tensor.concat
// CHECK-NOT: memopt.input_concat
// CHECK: return %[[P1]]
func.func @per_channel(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %s: tensor<5xf32>, %w: tensor<4x1x1x5xf32>, %init: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = tensor.concat dim(3) %a, %b : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %e = tensor.empty() : tensor<1x4x4x5xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x4x4x5xf32>) outs(%e : tensor<1x4x4x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x5xf32>
  %e2 = tensor.empty() : tensor<1x4x4x5xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%r, %s : tensor<1x4x4x5xf32>, tensor<5xf32>) outs(%e2 : tensor<1x4x4x5xf32>) {
  ^bb0(%in: f32, %scale: f32, %out: f32):
    %m = arith.mulf %in, %scale : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x5xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x5xf32>, tensor<4x1x1x5xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Kernel-wise: a depthwise_conv_2d_nhwc_hwcm and its collapse to channels
// become one per part (HWCM weight and the zero fill of the NHWCM init
// rebuilt per part); their results are concatenated again, as an
// insert_slice chain (the returned result does not partition).
// CHECK-LABEL: func.func @kernel_wise
// CHECK-SAME: (%[[A:.+]]: tensor<1x4x4x2xf32>, %[[B:.+]]: tensor<1x4x4x3xf32>, %[[W:.+]]: tensor<3x3x5x2xf32>)
// CHECK-DAG: %[[W0:.+]] = tensor.extract_slice %[[W]][0, 0, 0, 0] [3, 3, 2, 2]
// CHECK-DAG: %[[W1:.+]] = tensor.extract_slice %[[W]][0, 0, 2, 0] [3, 3, 3, 2]
// CHECK-DAG: %[[F0:.+]] = linalg.fill {{.*}} -> tensor<1x4x4x2x2xf32>
// CHECK-DAG: %[[F1:.+]] = linalg.fill {{.*}} -> tensor<1x4x4x3x2xf32>
// CHECK-DAG: %[[D0:.+]] = linalg.depthwise_conv_2d_nhwc_hwcm {{.*}} ins(%{{.+}}, %[[W0]] : {{.*}}) outs(%[[F0]] : tensor<1x4x4x2x2xf32>)
// CHECK-DAG: %[[D1:.+]] = linalg.depthwise_conv_2d_nhwc_hwcm {{.*}} ins(%{{.+}}, %[[W1]] : {{.*}}) outs(%[[F1]] : tensor<1x4x4x3x2xf32>)
// CHECK-DAG: %[[C0:.+]] = tensor.collapse_shape %[[D0]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x4x2x2xf32> into tensor<1x4x4x4xf32>
// CHECK-DAG: %[[C1:.+]] = tensor.collapse_shape %[[D1]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x4x3x2xf32> into tensor<1x4x4x6xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x4x4x10xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[C0]] into %[[E]][0, 0, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[C1]] into %[[I0]][0, 0, 0, 4] [1, 4, 4, 6] [1, 1, 1, 1]
// CHECK-NOT: tensor.concat
// CHECK: return %[[I1]]
func.func @kernel_wise(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %w: tensor<3x3x5x2xf32>) -> tensor<1x4x4x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x5xf32>
  %s0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x5xf32>
  %c = tensor.insert_slice %b into %s0[0, 0, 0, 2] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x5xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x5xf32> to tensor<1x6x6x5xf32>
  %ed = tensor.empty() : tensor<1x4x4x5x2xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%ed : tensor<1x4x4x5x2xf32>) -> tensor<1x4x4x5x2xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x6x6x5xf32>, tensor<3x3x5x2xf32>) outs(%fill : tensor<1x4x4x5x2xf32>) -> tensor<1x4x4x5x2xf32>
  %y = tensor.collapse_shape %d [[0], [1], [2], [3, 4]] : tensor<1x4x4x5x2xf32> into tensor<1x4x4x10xf32>
  return %y : tensor<1x4x4x10xf32>
}

// -----

// Max pooling (its -inf fill rebuilt per part) and a spatial extract_slice
// commute with the concat.
// CHECK-LABEL: func.func @pool_and_slice
// CHECK-SAME: (%[[A:.+]]: tensor<1x4x4x2xf32>, %[[B:.+]]: tensor<1x4x4x3xf32>
// CHECK: %[[SA:.+]] = tensor.extract_slice %[[A]][0, 1, 1, 0] [1, 3, 3, 2] [1, 1, 1, 1]
// CHECK: %[[MA:.+]] = linalg.pooling_nhwc_max {{.*}} ins(%[[SA]], %{{.+}} : {{.*}}) outs(%{{.+}} : tensor<1x2x2x2xf32>)
// CHECK: %[[P0:.+]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[MA]], %{{.+}} : {{.*}})
// CHECK: %[[SB:.+]] = tensor.extract_slice %[[B]][0, 1, 1, 0] [1, 3, 3, 3] [1, 1, 1, 1]
// CHECK: %[[MB:.+]] = linalg.pooling_nhwc_max {{.*}} ins(%[[SB]], %{{.+}} : {{.*}}) outs(%{{.+}} : tensor<1x2x2x3xf32>)
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[MB]], %{{.+}} : {{.*}}) outs(%[[P0]] : tensor<1x2x2x4xf32>)
func.func @pool_and_slice(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %w: tensor<4x1x1x5xf32>, %init: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %ninf = arith.constant -3.40282347E+38 : f32
  %e = tensor.empty() : tensor<1x4x4x5xf32>
  %s0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x5xf32>
  %c = tensor.insert_slice %b into %s0[0, 0, 0, 2] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x4x4x5xf32>
  %s = tensor.extract_slice %c[0, 1, 1, 0] [1, 3, 3, 5] [1, 1, 1, 1] : tensor<1x4x4x5xf32> to tensor<1x3x3x5xf32>
  %ep = tensor.empty() : tensor<1x2x2x5xf32>
  %fill = linalg.fill ins(%ninf : f32) outs(%ep : tensor<1x2x2x5xf32>) -> tensor<1x2x2x5xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %m = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%s, %window : tensor<1x3x3x5xf32>, tensor<2x2xf32>) outs(%fill : tensor<1x2x2x5xf32>) -> tensor<1x2x2x5xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%m, %w : tensor<1x2x2x5xf32>, tensor<4x1x1x5xf32>) outs(%init : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}

// -----

// An insert_slice chain that leaves a gap (channels 2..3 are the
// tensor.empty's) is no concat: it stays.
// CHECK-LABEL: func.func @gap
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
func.func @gap(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %w: tensor<4x1x1x5xf32>, %init: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %e = tensor.empty() : tensor<1x4x4x5xf32>
  %s0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x5xf32>
  %c = tensor.insert_slice %b into %s0[0, 0, 0, 3] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x5xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%c, %w : tensor<1x4x4x5xf32>, tensor<4x1x1x5xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}
