// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-annotate="remark-costs pure-dialects=stablehlo,mhlo,onnx,ttir" -verify-diagnostics -split-input-file -o /dev/null

// Frontend ops in generic form: convolutions and matrix products in FLOPs,
// with the layouts their attributes or dialects give.
func.func @hlo(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x16xf32>,
               %xn: tensor<4x3x8x8xf32>, %wn: tensor<16x3x3x3xf32>,
               %a: tensor<4x8xf32>, %b: tensor<8x5xf32>,
               %l: tensor<2x4x7xf32>, %r: tensor<2x7x5xf32>) {
  // 2 x 576 outputs x 27 (kernel [0, 1, i, o]: 16 output features).
  // expected-remark @+1 {{compute cost 31104}}
  %c = "stablehlo.convolution"(%x, %w) {dimension_numbers = #stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64} : (tensor<1x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<1x6x6x16xf32>
  // Kernel [o, i, 0, 1]: 2 x 2304 outputs x 27.
  // expected-remark @+1 {{compute cost 124416}}
  %cn = "mhlo.convolution"(%xn, %wn) {dimension_numbers = #mhlo.conv<[b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64} : (tensor<4x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<4x16x6x6xf32>
  // 2 x 20 outputs x 8.
  // expected-remark @+1 {{compute cost 320}}
  %d = "mhlo.dot"(%a, %b) : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  // Contracting lhs dimension 2 (7): 2 x 40 outputs x 7.
  // expected-remark @+1 {{compute cost 560}}
  %g = "stablehlo.dot_general"(%l, %r) {dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = [0], rhs_batching_dimensions = [0], lhs_contracting_dimensions = [2], rhs_contracting_dimensions = [1]>} : (tensor<2x4x7xf32>, tensor<2x7x5xf32>) -> tensor<2x4x5xf32>
  // expected-remark @+1 {{compute cost 20}}
  %e = "mhlo.add"(%d, %d) : (tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  // expected-remark @+1 {{compute cost 0}}
  %s = "mhlo.reshape"(%e) : (tensor<4x5xf32>) -> tensor<20xf32>
  // expected-remark @+1 {{compute cost 0}}
  %k = "mhlo.constant"() {value = dense<1.0> : tensor<4x5xf32>} : () -> tensor<4x5xf32>
  "test.sink"(%c, %cn, %g, %s, %k) : (tensor<1x6x6x16xf32>, tensor<4x16x6x6xf32>, tensor<2x4x5xf32>, tensor<20xf32>, tensor<4x5xf32>) -> ()
  // expected-remark @-1 {{compute cost 0}}
  return
}

// -----

func.func @onnx(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>,
                %tw: tensor<3x6x3x3xf32>, %a: tensor<4x8xf32>,
                %b: tensor<5x8xf32>, %bias: tensor<5xf32>, %at: tensor<8x4xf32>,
                %m: tensor<8x5xf32>) {
  // 2 x 576 outputs x 27 (W [M, C/g, kH, kW]).
  // expected-remark @+1 {{compute cost 31104}}
  %c = "onnx.Conv"(%x, %w) {kernel_shape = [3, 3]} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  // Transposed (W [C, M/g, kH, kW]): 2 x 192 inputs x 54.
  // expected-remark @+1 {{compute cost 20736}}
  %t = "onnx.ConvTranspose"(%x, %tw) : (tensor<1x3x8x8xf32>, tensor<3x6x3x3xf32>) -> tensor<1x6x10x10xf32>
  // Gemm with transB: 2 x 20 outputs x 8.
  // expected-remark @+1 {{compute cost 320}}
  %g = "onnx.Gemm"(%a, %b, %bias) {transB = 1 : si64} : (tensor<4x8xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  // transA reads the lhs as [K, M]: 2 x 20 x 8.
  // expected-remark @+1 {{compute cost 320}}
  %ga = "onnx.Gemm"(%at, %b, %bias) {transA = 1 : si64, transB = 1 : si64} : (tensor<8x4xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  // expected-remark @+1 {{compute cost 320}}
  %mm = "onnx.MatMul"(%a, %m) : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  // A reduction costs its input's elements.
  // expected-remark @+1 {{compute cost 576}}
  %r = "onnx.ReduceMean"(%c) : (tensor<1x16x6x6xf32>) -> tensor<1x16x1x1xf32>
  "test.sink"(%t, %g, %ga, %mm, %r) : (tensor<1x6x10x10xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<1x16x1x1xf32>) -> ()
  // expected-remark @-1 {{compute cost 0}}
  return
}

// -----

func.func @ttir(%x: tensor<1x8x8x3xbf16>, %w: tensor<16x3x3x3xbf16>,
                %a: tensor<4x8xbf16>, %b: tensor<8x5xbf16>,
                %bias: tensor<5xbf16>) {
  // 2 x 576 outputs x 27 (weight [O, I/g, KH, KW]).
  // expected-remark @+1 {{compute cost 31104}}
  %c = "ttir.conv2d"(%x, %w) <{dilation = array<i32: 1, 1>, groups = 1 : i32, padding = array<i32: 0, 0, 0, 0>, stride = array<i32: 1, 1>}> : (tensor<1x8x8x3xbf16>, tensor<16x3x3x3xbf16>) -> tensor<1x6x6x16xbf16>
  // expected-remark @+1 {{compute cost 320}}
  %m = "ttir.matmul"(%a, %b) : (tensor<4x8xbf16>, tensor<8x5xbf16>) -> tensor<4x5xbf16>
  // expected-remark @+1 {{compute cost 320}}
  %l = "ttir.linear"(%a, %b, %bias) : (tensor<4x8xbf16>, tensor<8x5xbf16>, tensor<5xbf16>) -> tensor<4x5xbf16>
  // A reduction ("sum") costs its input's elements.
  // expected-remark @+1 {{compute cost 576}}
  %s = "ttir.sum"(%c) : (tensor<1x6x6x16xbf16>) -> tensor<1x1x1x16xbf16>
  "test.sink"(%m, %l, %s) : (tensor<4x5xbf16>, tensor<4x5xbf16>, tensor<1x1x1x16xbf16>) -> ()
  // expected-remark @-1 {{compute cost 0}}
  return
}
