// A chain for memopt-row-bands, in the form tosa-to-linalg gives: a 7x7/s2/p3
// stem on 30 rows (15 out), a 3x3/s2 max-pool padded with the lowest float
// (8 rows), a residual block whose second convolution has dilation 2, and a
// padded depthwise convolution. Inputs are varied (element index mixed
// modulo 21); the output is printed as raw bits.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
module {
  func.func @forward(%x: tensor<1x30x13x3xf32>, %w1: tensor<8x7x7x3xf32>, %b1: tensor<8xf32>, %w2: tensor<8x3x3x8xf32>, %w3: tensor<8x3x3x8xf32>, %wd: tensor<3x3x8xf32>) -> tensor<1x8x4x8xf32> {
    %zero = arith.constant 0.0 : f32
    %lowest = arith.constant -3.40282347E+38 : f32
    %xp = tensor.pad %x low[0, 3, 3, 0] high[0, 3, 3, 0] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %zero : f32
    } : tensor<1x30x13x3xf32> to tensor<1x36x19x3xf32>
    %e1 = tensor.empty() : tensor<1x15x7x8xf32>
    %bias = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b1 : tensor<8xf32>) outs(%e1 : tensor<1x15x7x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x15x7x8xf32>
    %c1 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%xp, %w1 : tensor<1x36x19x3xf32>, tensor<8x7x7x3xf32>) outs(%bias : tensor<1x15x7x8xf32>) -> tensor<1x15x7x8xf32>
    %e2 = tensor.empty() : tensor<1x15x7x8xf32>
    %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1 : tensor<1x15x7x8xf32>) outs(%e2 : tensor<1x15x7x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x15x7x8xf32>
    %rp = tensor.pad %r1 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %lowest : f32
    } : tensor<1x15x7x8xf32> to tensor<1x17x9x8xf32>
    %e3 = tensor.empty() : tensor<1x8x4x8xf32>
    %f3 = linalg.fill ins(%lowest : f32) outs(%e3 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %win = tensor.empty() : tensor<3x3xf32>
    %pool = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%rp, %win : tensor<1x17x9x8xf32>, tensor<3x3xf32>) outs(%f3 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %pp = tensor.pad %pool low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %zero : f32
    } : tensor<1x8x4x8xf32> to tensor<1x10x6x8xf32>
    %e4 = tensor.empty() : tensor<1x8x4x8xf32>
    %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %c2 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%pp, %w2 : tensor<1x10x6x8xf32>, tensor<8x3x3x8xf32>) outs(%f4 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %e5 = tensor.empty() : tensor<1x8x4x8xf32>
    %r2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c2 : tensor<1x8x4x8xf32>) outs(%e5 : tensor<1x8x4x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x8x4x8xf32>
    %r2p = tensor.pad %r2 low[0, 2, 2, 0] high[0, 2, 2, 0] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %zero : f32
    } : tensor<1x8x4x8xf32> to tensor<1x12x8x8xf32>
    %e6 = tensor.empty() : tensor<1x8x4x8xf32>
    %f6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %c3 = linalg.conv_2d_nhwc_fhwc {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r2p, %w3 : tensor<1x12x8x8xf32>, tensor<8x3x3x8xf32>) outs(%f6 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %e7 = tensor.empty() : tensor<1x8x4x8xf32>
    %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c3, %pool : tensor<1x8x4x8xf32>, tensor<1x8x4x8xf32>) outs(%e7 : tensor<1x8x4x8xf32>) {
    ^bb0(%in: f32, %in2: f32, %out: f32):
      %s = arith.addf %in, %in2 : f32
      %m = arith.maximumf %s, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x8x4x8xf32>
    %sp = tensor.pad %sum low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %zero : f32
    } : tensor<1x8x4x8xf32> to tensor<1x10x6x8xf32>
    %e8 = tensor.empty() : tensor<1x8x4x8xf32>
    %f8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    %dw = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%sp, %wd : tensor<1x10x6x8xf32>, tensor<3x3x8xf32>) outs(%f8 : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
    return %dw : tensor<1x8x4x8xf32>
  }
  func.func @main() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c5 = arith.constant 5 : index
    %c11 = arith.constant 11 : index
    %c21 = arith.constant 21 : index
    %c37 = arith.constant 37 : index
    %cst10 = arith.constant 10.0 : f32
    %cst8 = arith.constant 8.0 : f32
    %x_e = tensor.empty() : tensor<1x30x13x3xf32>
    %x = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%x_e : tensor<1x30x13x3xf32>) {
    ^bb0(%out: f32):
      %i0 = linalg.index 0 : index
      %i1 = linalg.index 1 : index
      %i2 = linalg.index 2 : index
      %i3 = linalg.index 3 : index
      %m0 = arith.muli %i0, %c37 : index
      %m1 = arith.muli %i1, %c11 : index
      %s1 = arith.addi %m0, %m1 : index
      %m2 = arith.muli %i2, %c5 : index
      %s2 = arith.addi %s1, %m2 : index
      %m3 = arith.muli %i3, %c3 : index
      %s3 = arith.addi %s2, %m3 : index
      %t = arith.addi %s3, %c0 : index
      %r = arith.remui %t, %c21 : index
      %ri = arith.index_cast %r : index to i64
      %f = arith.sitofp %ri : i64 to f32
      %g = arith.subf %f, %cst10 : f32
      %h = arith.divf %g, %cst8 : f32
      linalg.yield %h : f32
    } -> tensor<1x30x13x3xf32>
    %w1_e = tensor.empty() : tensor<8x7x7x3xf32>
    %w1 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%w1_e : tensor<8x7x7x3xf32>) {
    ^bb0(%out: f32):
      %i0 = linalg.index 0 : index
      %i1 = linalg.index 1 : index
      %i2 = linalg.index 2 : index
      %i3 = linalg.index 3 : index
      %m0 = arith.muli %i0, %c37 : index
      %m1 = arith.muli %i1, %c11 : index
      %s1 = arith.addi %m0, %m1 : index
      %m2 = arith.muli %i2, %c5 : index
      %s2 = arith.addi %s1, %m2 : index
      %m3 = arith.muli %i3, %c3 : index
      %s3 = arith.addi %s2, %m3 : index
      %t = arith.addi %s3, %c1 : index
      %r = arith.remui %t, %c21 : index
      %ri = arith.index_cast %r : index to i64
      %f = arith.sitofp %ri : i64 to f32
      %g = arith.subf %f, %cst10 : f32
      %h = arith.divf %g, %cst8 : f32
      linalg.yield %h : f32
    } -> tensor<8x7x7x3xf32>
    %b1_e = tensor.empty() : tensor<8xf32>
    %b1 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%b1_e : tensor<8xf32>) {
    ^bb0(%out: f32):
      %i0 = linalg.index 0 : index
      %m0 = arith.muli %i0, %c37 : index
      %t = arith.addi %m0, %c2 : index
      %r = arith.remui %t, %c21 : index
      %ri = arith.index_cast %r : index to i64
      %f = arith.sitofp %ri : i64 to f32
      %g = arith.subf %f, %cst10 : f32
      %h = arith.divf %g, %cst8 : f32
      linalg.yield %h : f32
    } -> tensor<8xf32>
    %w2_e = tensor.empty() : tensor<8x3x3x8xf32>
    %w2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%w2_e : tensor<8x3x3x8xf32>) {
    ^bb0(%out: f32):
      %i0 = linalg.index 0 : index
      %i1 = linalg.index 1 : index
      %i2 = linalg.index 2 : index
      %i3 = linalg.index 3 : index
      %m0 = arith.muli %i0, %c37 : index
      %m1 = arith.muli %i1, %c11 : index
      %s1 = arith.addi %m0, %m1 : index
      %m2 = arith.muli %i2, %c5 : index
      %s2 = arith.addi %s1, %m2 : index
      %m3 = arith.muli %i3, %c3 : index
      %s3 = arith.addi %s2, %m3 : index
      %t = arith.addi %s3, %c3 : index
      %r = arith.remui %t, %c21 : index
      %ri = arith.index_cast %r : index to i64
      %f = arith.sitofp %ri : i64 to f32
      %g = arith.subf %f, %cst10 : f32
      %h = arith.divf %g, %cst8 : f32
      linalg.yield %h : f32
    } -> tensor<8x3x3x8xf32>
    %w3_e = tensor.empty() : tensor<8x3x3x8xf32>
    %w3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%w3_e : tensor<8x3x3x8xf32>) {
    ^bb0(%out: f32):
      %i0 = linalg.index 0 : index
      %i1 = linalg.index 1 : index
      %i2 = linalg.index 2 : index
      %i3 = linalg.index 3 : index
      %m0 = arith.muli %i0, %c37 : index
      %m1 = arith.muli %i1, %c11 : index
      %s1 = arith.addi %m0, %m1 : index
      %m2 = arith.muli %i2, %c5 : index
      %s2 = arith.addi %s1, %m2 : index
      %m3 = arith.muli %i3, %c3 : index
      %s3 = arith.addi %s2, %m3 : index
      %t = arith.addi %s3, %c4 : index
      %r = arith.remui %t, %c21 : index
      %ri = arith.index_cast %r : index to i64
      %f = arith.sitofp %ri : i64 to f32
      %g = arith.subf %f, %cst10 : f32
      %h = arith.divf %g, %cst8 : f32
      linalg.yield %h : f32
    } -> tensor<8x3x3x8xf32>
    %wd_e = tensor.empty() : tensor<3x3x8xf32>
    %wd = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%wd_e : tensor<3x3x8xf32>) {
    ^bb0(%out: f32):
      %i0 = linalg.index 0 : index
      %i1 = linalg.index 1 : index
      %i2 = linalg.index 2 : index
      %m0 = arith.muli %i0, %c37 : index
      %m1 = arith.muli %i1, %c11 : index
      %s1 = arith.addi %m0, %m1 : index
      %m2 = arith.muli %i2, %c5 : index
      %s2 = arith.addi %s1, %m2 : index
      %t = arith.addi %s2, %c5 : index
      %r = arith.remui %t, %c21 : index
      %ri = arith.index_cast %r : index to i64
      %f = arith.sitofp %ri : i64 to f32
      %g = arith.subf %f, %cst10 : f32
      %h = arith.divf %g, %cst8 : f32
      linalg.yield %h : f32
    } -> tensor<3x3x8xf32>
    %y = call @forward(%x, %w1, %b1, %w2, %w3, %wd) : (tensor<1x30x13x3xf32>, tensor<8x7x7x3xf32>, tensor<8xf32>, tensor<8x3x3x8xf32>, tensor<8x3x3x8xf32>, tensor<3x3x8xf32>) -> tensor<1x8x4x8xf32>
    // Printed as raw bits: equal output means equal to the last bit.
    %bits_e = tensor.empty() : tensor<1x8x4x8xi32>
    %bits = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<1x8x4x8xf32>) outs(%bits_e : tensor<1x8x4x8xi32>) {
    ^bb0(%in: f32, %out: i32):
      %b = arith.bitcast %in : f32 to i32
      linalg.yield %b : i32
    } -> tensor<1x8x4x8xi32>
    %u = tensor.cast %bits : tensor<1x8x4x8xi32> to tensor<*xi32>
    call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
    return
  }
  func.func private @printMemrefI32(tensor<*xi32>) attributes {llvm.emit_c_interface}
}
