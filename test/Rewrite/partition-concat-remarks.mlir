// RUN: memopt-opt %s --split-input-file --verify-diagnostics --memopt-partition-concat -o /dev/null

// A use that is neither a per-channel op nor a convolution keeps the concat.
func.func @several_uses(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>, %w: tensor<1x1x1x4xf32>) -> (tensor<1x4x4x1xf32>, tensor<1x4x4x4xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{concat left as it is: the concat has 2 uses and its use by 'func.return' is neither a per-channel op nor a convolution}}
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %y = tosa.conv2d %c, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y, %c : tensor<1x4x4x1xf32>, tensor<1x4x4x4xf32>
}

// -----

// A concat along H is not a channel concat.
func.func @non_channel_axis(%a: tensor<1x2x4x2xf32>, %b: tensor<1x2x4x2xf32>, %w: tensor<1x1x1x2xf32>) -> tensor<1x4x4x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{concat left as it is: the concat is along axis 1, not the channel axis 3}}
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x4x4x2xf32>
  %y = tosa.conv2d %c, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// Dynamic shapes: the function cannot be modelled at all, which the
// extraction says (the concat is not even considered).
// expected-warning @below {{memopt cannot model argument #0 of type 'tensor<?x4x4x2xf32>'}}
func.func @dynamic(%a: tensor<?x4x4x2xf32>, %b: tensor<?x4x4x2xf32>) -> tensor<?x4x4x4xf32> {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) -> tensor<?x4x4x4xf32>
  return %c : tensor<?x4x4x4xf32>
}

// -----

// The concat as the weights of a convolution.
func.func @weights(%x: tensor<1x4x4x2xf32>, %a: tensor<2x1x1x1xf32>, %b: tensor<2x1x1x1xf32>) -> tensor<1x4x4x2xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{concat left as it is: its use by 'tosa.conv2d' reads it as weights or bias}}
  %w = tosa.concat %a, %b {axis = 3 : i32} : (tensor<2x1x1x1xf32>, tensor<2x1x1x1xf32>) -> tensor<2x1x1x2xf32>
  %y = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// A per-channel op is pushed only when what follows partitions (or is
// smaller): here the ReLU's result is returned.
func.func @pushed_to_nothing(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  // expected-remark @below {{concat left as it is: its use by 'tosa.clamp' feeds a concat that does not partition: its use by 'func.return' is neither a per-channel op nor a convolution}}
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %r = tosa.clamp %c {max_val = 3.0e38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

// An elementwise op whose other operand mixes positions and channels in a
// way the parts cannot take (broadcast of the concat to a larger shape).
func.func @broadcast(%a: tensor<1x1x4x2xf32>, %b: tensor<1x1x4x2xf32>, %z: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-remark @below {{its use by 'tosa.add' broadcasts it to another shape}}
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<1x1x4x4xf32>
  %y = tosa.add %c, %z : (tensor<1x1x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// The rewrite is valid but does not lower the scheduled peak: the output is
// as large as the concat, and the parts must stay live for it.
// expected-remark @below {{partitioning 1 concats would not lower the scheduled peak (704 bytes; every order of the rewrite needs at least 816); the function is left unchanged}}
func.func @no_gain(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>, %w: tensor<6x3x3x5xf32>, %bias: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x5xf32>, tensor<6x3x3x5xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// -----

// Per concat: of two concats whose rewrite is valid, only the one that lowers
// the scheduled peak is partitioned; the small one, far below the peak, stays.
// expected-remark @below {{partitioned 1 concats; scheduled peak 16384 -> 5120 bytes; 2 ops added}}
func.func @selected(%x: tensor<1x16x16x2xf32>, %w1: tensor<4x1x1x2xf32>, %w2: tensor<4x1x1x2xf32>, %w: tensor<1x1x1x8xf32>, %bias: tensor<1xf32>, %p: tensor<1x2x2x1xf32>, %q: tensor<1x2x2x1xf32>, %v: tensor<1x1x1x2xf32>) -> (tensor<1x16x16x1xf32>, tensor<1x2x2x1xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %w1, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %b = tosa.conv2d %x, %w2, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x2xf32>, tensor<4x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  // expected-remark @below {{concat partitioned}}
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x16x16x4xf32>, tensor<1x16x16x4xf32>) -> tensor<1x16x16x8xf32>
  %y = tosa.conv2d %c, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x1xf32>
  // expected-remark @below {{concat left as it is: partitioning it does not lower the scheduled peak}}
  %pq = tosa.concat %p, %q {axis = 3 : i32} : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32>
  %z = tosa.conv2d %pq, %v, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y, %z : tensor<1x16x16x1xf32>, tensor<1x2x2x1xf32>
}
