// RUN: memopt-opt %s --split-input-file --verify-diagnostics --memopt-partition-concat -o /dev/null

// The refusals of the linalg form, each with its reason on the concat (the
// last insert_slice of a chain, or the tensor.concat).

func.func @pads_channels(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %w: tensor<1x1x1x6xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %s0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x4xf32>
  // expected-remark @below {{concat left as it is: its use by 'tensor.pad' pads the channels}}
  %c = tensor.insert_slice %b into %s0[0, 0, 0, 2] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xf32> into tensor<1x4x4x4xf32>
  %p = tensor.pad %c low[0, 0, 0, 1] high[0, 0, 0, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x4xf32> to tensor<1x4x4x6xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x4x4x6xf32>, tensor<1x1x1x6xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

func.func @indexed_generic(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %w: tensor<1x1x1x4xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  // expected-remark @below {{concat left as it is: its use by 'linalg.generic' is not a parallel map of each element}}
  %c = tensor.concat dim(3) %a, %b : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x4x4x4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 3 : index
    %n = arith.index_cast %i : index to i32
    %f = arith.sitofp %n : i32 to f32
    %m = arith.mulf %in, %f : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x4xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %w : tensor<1x4x4x4xf32>, tensor<1x1x1x4xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

func.func @channel_reduction(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %init: tensor<1x4x4xf32>) -> tensor<1x4x4xf32> {
  // expected-remark @below {{concat left as it is: its use by 'linalg.generic' is not a parallel map of each element}}
  %c = tensor.concat dim(3) %a, %b : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%c : tensor<1x4x4x4xf32>) outs(%init : tensor<1x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4xf32>
  return %r : tensor<1x4x4xf32>
}

// -----

func.func @weights(%x: tensor<1x4x4x2xf32>, %a: tensor<1x1x1x1xf32>, %b: tensor<1x1x1x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  // expected-remark @below {{concat left as it is: its use by 'linalg.conv_2d_nhwc_fhwc' reads it as weights or writes into it}}
  %w = tensor.concat dim(3) %a, %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x2xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

func.func @non_channel_axis(%a: tensor<1x2x4x2xf32>, %b: tensor<1x2x4x2xf32>, %w: tensor<1x1x1x2xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  // expected-remark @below {{concat left as it is: the concat is along axis 1, not the channel axis 3}}
  %c = tensor.concat dim(1) %a, %b : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x4x4x2xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%c, %w : tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

func.func @uncollapsed_depthwise(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %w: tensor<1x1x4x1xf32>, %init: tensor<1x4x4x4x1xf32>) -> tensor<1x4x4x4x1xf32> {
  // expected-remark @below {{concat left as it is: its use by 'linalg.depthwise_conv_2d_nhwc_hwcm' is not collapsed to channels by its only use}}
  %c = tensor.concat dim(3) %a, %b : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%c, %w : tensor<1x4x4x4xf32>, tensor<1x1x4x1xf32>) outs(%init : tensor<1x4x4x4x1xf32>) -> tensor<1x4x4x4x1xf32>
  return %d : tensor<1x4x4x4x1xf32>
}

// -----

func.func @channel_slice(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %w: tensor<1x1x1x3xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  // expected-remark @below {{concat left as it is: its use by 'tensor.extract_slice' slices the channels}}
  %c = tensor.concat dim(3) %a, %b : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %s = tensor.extract_slice %c[0, 0, 0, 1] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x4xf32> to tensor<1x4x4x3xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%s, %w : tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}
