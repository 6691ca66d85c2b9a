// RUN: memopt-opt %s --memopt-annotate=remark-costs -verify-diagnostics -o /dev/null

// The compute costs memopt-remat weighs recomputations with (docs/Remat.md).
func.func @tosa(%x: tensor<1x8x8x4xf32>, %w: tensor<16x3x3x4xf32>,
                %dw: tensor<3x3x4x2xf32>, %tw: tensor<6x3x3x4xf32>,
                %b16: tensor<16xf32>, %b8: tensor<8xf32>, %b6: tensor<6xf32>,
                %zp: tensor<1xf32>, %l: tensor<2x5x7xf32>,
                %r: tensor<2x7x3xf32>) -> (tensor<1x6x6x16xf32>, tensor<1x6x6x8xf32>, tensor<1x10x10x6xf32>, tensor<2x5x3xf32>, tensor<1x8x8x1xf32>, tensor<1x256xf32>) {
  // 2 x 576 outputs x 36 (3 x 3 x 4) per output.
  // expected-remark @+1 {{compute cost 41472}}
  %c = tosa.conv2d %x, %w, %b16, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<16x3x3x4xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x16xf32>
  // Depthwise: 2 x 288 outputs x 9 per output.
  // expected-remark @+1 {{compute cost 5184}}
  %d = tosa.depthwise_conv2d %x, %dw, %b8, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  // Transposed: 2 x 256 inputs x 54 (6 x 3 x 3) per input.
  // expected-remark @+1 {{compute cost 27648}}
  %t = tosa.transpose_conv2d %x, %tw, %b6, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x10x10x6xf32>
  // 2 x 30 outputs x 7.
  // expected-remark @+1 {{compute cost 420}}
  %m = tosa.matmul %l, %r, %zp, %zp : (tensor<2x5x7xf32>, tensor<2x7x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x3xf32>
  // Elementwise: its elements.
  // expected-remark @+1 {{compute cost 256}}
  %e = tosa.exp %x : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  // Reduction: its input's elements.
  // expected-remark @+1 {{compute cost 256}}
  %s = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x1xf32>
  // Shapes and reshapes are free.
  // expected-remark @+1 {{compute cost 0}}
  %shape = tosa.const_shape {values = dense<[1, 256]> : tensor<2xindex>} : () -> !tosa.shape<2>
  // expected-remark @+1 {{compute cost 0}}
  %v = tosa.reshape %e, %shape : (tensor<1x8x8x4xf32>, !tosa.shape<2>) -> tensor<1x256xf32>
  // memopt.cost overrides.
  // expected-remark @+1 {{compute cost 7}}
  %n = tosa.negate %v, %zp, %zp {memopt.cost = 7 : i64} : (tensor<1x256xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x256xf32>
  return %c, %d, %t, %m, %s, %n : tensor<1x6x6x16xf32>, tensor<1x6x6x8xf32>, tensor<1x10x10x6xf32>, tensor<2x5x3xf32>, tensor<1x8x8x1xf32>, tensor<1x256xf32>
}
