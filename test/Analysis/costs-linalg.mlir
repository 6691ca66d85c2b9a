// RUN: memopt-opt %s --memopt-annotate=remark-costs -verify-diagnostics -o /dev/null

// Linalg ops cost their iteration space (output elements x reduction trip
// count), doubled for contractions and convolutions, named or generic.
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2, d1)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @linalg(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>,
                  %img: tensor<1x8x8x3xf32>, %f: tensor<3x3x3x16xf32>,
                  %nchw: tensor<1x3x8x8xf32>, %fchw: tensor<16x3x3x3xf32>,
                  %dwf: tensor<3x3x3xf32>, %bm: tensor<2x4x8xf32>,
                  %bn: tensor<2x8x5xf32>)
    -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<1x6x6x16xf32>, tensor<1x16x6x6xf32>, tensor<1x6x6x3xf32>, tensor<2x4x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>) {
  // expected-remark @+1 {{compute cost 0}}
  %e = tensor.empty() : tensor<4x5xf32>
  // expected-remark @+1 {{compute cost 0}}
  %zero = arith.constant 0.0 : f32
  // A fill writes its 20 elements.
  // expected-remark @+1 {{compute cost 20}}
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x5xf32>) -> tensor<4x5xf32>
  // 2 x 20 outputs x 8.
  // expected-remark @+1 {{compute cost 320}}
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%z : tensor<4x5xf32>) -> tensor<4x5xf32>
  // The same contraction as a generic.
  // expected-remark @+1 {{compute cost 320}}
  %g = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%z : tensor<4x5xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x5xf32>
  // expected-remark @+1 {{compute cost 0}}
  %ec = tensor.empty() : tensor<1x6x6x16xf32>
  // 2 x 576 outputs x 27, in either layout.
  // expected-remark @+1 {{compute cost 31104}}
  %c = linalg.conv_2d_nhwc_hwcf ins(%img, %f : tensor<1x8x8x3xf32>, tensor<3x3x3x16xf32>) outs(%ec : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  // expected-remark @+1 {{compute cost 0}}
  %ed = tensor.empty() : tensor<1x16x6x6xf32>
  // expected-remark @+1 {{compute cost 31104}}
  %cn = linalg.conv_2d_nchw_fchw ins(%nchw, %fchw : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) outs(%ed : tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32>
  // Depthwise: 2 x 108 outputs x 9.
  // expected-remark @+1 {{compute cost 0}}
  %ew = tensor.empty() : tensor<1x6x6x3xf32>
  // expected-remark @+1 {{compute cost 1944}}
  %dw = linalg.depthwise_conv_2d_nhwc_hwc ins(%img, %dwf : tensor<1x8x8x3xf32>, tensor<3x3x3xf32>) outs(%ew : tensor<1x6x6x3xf32>) -> tensor<1x6x6x3xf32>
  // expected-remark @+1 {{compute cost 0}}
  %eb = tensor.empty() : tensor<2x4x5xf32>
  // 2 x 40 outputs x 8.
  // expected-remark @+1 {{compute cost 640}}
  %bmm = linalg.batch_matmul ins(%bm, %bn : tensor<2x4x8xf32>, tensor<2x8x5xf32>) outs(%eb : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  // expected-remark @+1 {{compute cost 0}}
  %er = tensor.empty() : tensor<4xf32>
  // A reduction costs its input's 32 elements, named or generic.
  // expected-remark @+1 {{compute cost 32}}
  %r = linalg.reduce ins(%a : tensor<4x8xf32>) outs(%er : tensor<4xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  // expected-remark @+1 {{compute cost 32}}
  %rg = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%a : tensor<4x8xf32>) outs(%er : tensor<4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.maximumf %x, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  // Elementwise: its 32 elements.
  // expected-remark @+1 {{compute cost 0}}
  %ea = tensor.empty() : tensor<4x8xf32>
  // expected-remark @+1 {{compute cost 32}}
  %x = linalg.exp ins(%a : tensor<4x8xf32>) outs(%ea : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %m, %g, %c, %cn, %dw, %bmm, %r, %rg, %x : tensor<4x5xf32>, tensor<4x5xf32>, tensor<1x6x6x16xf32>, tensor<1x16x6x6xf32>, tensor<1x6x6x3xf32>, tensor<2x4x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>
}
