// RUN: memopt-opt %s --memopt-plan="row-bands=true alignment=1" --memopt-report 2>/dev/null | FileCheck %s
// RUN: memopt-opt %s --memopt-plan="alignment=1" 2>/dev/null | FileCheck %s --check-prefix=OFF

// memopt-plan with row-bands=true bands the stem (split from the two
// branches that read its map), then schedules and packs the banded program.
// Without it, the stem stays whole.
// CHECK: activation peak     12,288 B
// CHECK-LABEL: func.func @stem_then_branches(
// CHECK-SAME: arena_bytes = 12288
// CHECK: scf.for
// CHECK: scf.yield
// OFF: arena_bytes = 18560
// OFF-NOT: scf.for

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

func.func @stem_then_branches(%x: tensor<1x16x16x8xf32>, %w: tensor<8x3x3x8xf32>, %wa: tensor<2x1x1x8xf32>, %wb: tensor<2x1x1x8xf32>) -> (tensor<1x16x16x2xf32>, tensor<1x16x16x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x16x16x8xf32> to tensor<1x18x18x8xf32>
  %e = tensor.empty() : tensor<1x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x18x18x8xf32>, tensor<8x3x3x8xf32>) outs(%f : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  %e2 = tensor.empty() : tensor<1x16x16x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x16x16x8xf32>) outs(%e2 : tensor<1x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x16x8xf32>
  %ea = tensor.empty() : tensor<1x16x16x2xf32>
  %fa = linalg.fill ins(%zero : f32) outs(%ea : tensor<1x16x16x2xf32>) -> tensor<1x16x16x2xf32>
  %a = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %wa : tensor<1x16x16x8xf32>, tensor<2x1x1x8xf32>) outs(%fa : tensor<1x16x16x2xf32>) -> tensor<1x16x16x2xf32>
  %eb = tensor.empty() : tensor<1x16x16x2xf32>
  %fb = linalg.fill ins(%zero : f32) outs(%eb : tensor<1x16x16x2xf32>) -> tensor<1x16x16x2xf32>
  %b = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %wb : tensor<1x16x16x8xf32>, tensor<2x1x1x8xf32>) outs(%fb : tensor<1x16x16x2xf32>) -> tensor<1x16x16x2xf32>
  return %a, %b : tensor<1x16x16x2xf32>, tensor<1x16x16x2xf32>
}
