// RUN: memopt-opt %s -split-input-file --memopt-row-bands="mode=boundary bands=4" -verify-diagnostics | FileCheck %s
// RUN: memopt-opt %s -split-input-file --memopt-row-bands="mode=auto bands=4 budget=3300" 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: memopt-opt %s -split-input-file --memopt-row-bands="mode=boundary bands=4" --memopt-report 2>/dev/null | FileCheck %s --check-prefix=REPORT

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// conv 3x3/p1 -> relu -> conv 3x3/p1 on 14 rows, 4 output rows per band:
// bands run in order and hand the next band the last 2 rows of each
// convolution's padded input. Paced by the input (4 rows per band), the
// first band is skewed: its convolutions compute 3 and 2 rows, the halo
// behind their input; the middle two run as a loop whose iter_args are the
// output and the two carries; the last one, which carries nothing on and
// reads a row of bottom padding, comes after it and computes 4 rows. Each
// pad writes its new rows after the carried ones in its window. No row is
// computed twice.
// CHECK-LABEL: func.func @conv_relu_conv
// CHECK: linalg.fill {{.*}} -> tensor<1x5x8x4xf32>
// CHECK: %[[CARRY1:.+]] = linalg.copy {{.*}} -> tensor<1x2x8x4xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x3x6x4xf32>
// CHECK: %[[CARRY2:.+]] = linalg.copy {{.*}} -> tensor<1x2x8x4xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x2x6x4xf32>
// CHECK: %[[FIRST:.+]] = tensor.insert_slice {{.*}}[0, 0, 0, 0] [1, 2, 6, 4]
// CHECK: %[[LOOP:.+]]:3 = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[OUT:.+]] = %[[FIRST]], %[[C1:.+]] = %[[CARRY1]], %[[C2:.+]] = %[[CARRY2]])
// CHECK:   tensor.extract_slice %{{.+}}[0, %{{.+}}, 0, 0] [1, 4, 6, 4]
// CHECK:   linalg.fill {{.*}} -> tensor<1x6x8x4xf32>
// CHECK:   %[[HELD1:.+]] = tensor.insert_slice %[[C1]] into %{{.+}}[0, 0, 0, 0] [1, 2, 8, 4]
// CHECK:   %[[W1:.+]] = tensor.insert_slice %{{.+}} into %[[HELD1]][0, 2, 1, 0] [1, 4, 6, 4]
// CHECK:   linalg.copy ins(%{{.+}} : tensor<1x2x8x4xf32>) outs(%[[C1]] : tensor<1x2x8x4xf32>)
// CHECK:   linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[W1]], %{{.+}} : {{.*}} -> tensor<1x4x6x4xf32>
// CHECK:   tensor.insert_slice %[[C2]] into
// CHECK:   linalg.copy ins(%{{.+}} : tensor<1x2x8x4xf32>) outs(%[[C2]] : tensor<1x2x8x4xf32>)
// CHECK:   linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x4x6x4xf32>
// CHECK:   tensor.insert_slice %{{.+}} into %[[OUT]][0, %{{.+}}, 0, 0] [1, 4, 6, 4]
// CHECK:   scf.yield
// CHECK: tensor.insert_slice %[[LOOP]]#1 into %{{.+}} : tensor<1x2x8x4xf32> into tensor<1x5x8x4xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x3x6x4xf32>
// CHECK: tensor.insert_slice %[[LOOP]]#2 into %{{.+}} : tensor<1x2x8x4xf32> into tensor<1x6x8x4xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x4x6x4xf32>
// CHECK: %[[LAST:.+]] = tensor.insert_slice %{{.+}} into %[[LOOP]]#0[0, 10, 0, 0] [1, 4, 6, 4]
// CHECK-NOT: tensor.pad
// CHECK: return %[[LAST]]
// The model counts the two carries (the first band's copies, the loop's
// iter_args) as live for the whole loop, the loop body's peak as its
// scratch.
// REPORT-LABEL: memopt report for @conv_relu_conv
// REPORT: activation peak     3,008 B
// REPORT: 1,152 B  scratch of scf.for       scf.for                      steps 27..27
// REPORT: 256 B  {{.*}} linalg.copy                  steps 7..30
// REPORT: 256 B  {{.*}} linalg.copy                  steps 18..40
// With a budget both modes meet, auto takes the one that adds no compute.
// AUTO: 4 bands of 4 rows (boundary passing); estimated peak 3392 -> 3008 bytes; added MACs 0 of 24192 (0.0%)
// expected-remark @below {{memopt-row-bands: 1 segment(s) banded; modelled peak 3392 -> 3008 bytes}}
func.func @conv_relu_conv(%x: tensor<1x14x6x4xf32>, %w: tensor<4x3x3x4xf32>, %w2: tensor<4x3x3x4xf32>) -> tensor<1x14x6x4xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x14x6x4xf32> to tensor<1x16x8x4xf32>
  %e = tensor.empty() : tensor<1x14x6x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x14x6x4xf32>) -> tensor<1x14x6x4xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>) outs(%f : tensor<1x14x6x4xf32>) -> tensor<1x14x6x4xf32>
  %e2 = tensor.empty() : tensor<1x14x6x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x14x6x4xf32>) outs(%e2 : tensor<1x14x6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x14x6x4xf32>
  %p2 = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x14x6x4xf32> to tensor<1x16x8x4xf32>
  %e3 = tensor.empty() : tensor<1x14x6x4xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x14x6x4xf32>) -> tensor<1x14x6x4xf32>
  // expected-remark @below {{memopt-row-bands: segment of 5 ops from 'tensor.pad' to 'linalg.conv_2d_nhwc_fhwc': 4 bands of 4 rows (boundary passing); estimated peak 3392 -> 3008 bytes; added MACs 0 of 24192 (0.0%)}}
  %c2 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p2, %w2 : tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>) outs(%f3 : tensor<1x14x6x4xf32>) -> tensor<1x14x6x4xf32>
  return %c2 : tensor<1x14x6x4xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// An elementwise op that reads its destination, a map of the chain rather
// than an empty tensor or a fill of one: a band cannot rebuild it at band
// size, so boundary passing refuses the chain with a remark naming the op,
// and leaves it unchanged; mode=auto bands it in overlap mode.
// CHECK-LABEL: func.func @reads_destination
// CHECK-NOT: scf.for
// CHECK: return
// AUTO: remark: memopt-row-bands: segment of 3 ops from 'tensor.pad' to 'linalg.generic': 4 bands of 4 rows (overlap)
func.func @reads_destination(%x: tensor<1x16x16x8xf32>, %w: tensor<8x3x3x8xf32>, %bias: tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x16x16x8xf32> to tensor<1x18x18x8xf32>
  %e = tensor.empty() : tensor<1x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x18x18x8xf32>, tensor<8x3x3x8xf32>) outs(%f : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  // expected-remark @below {{memopt-row-bands: not banded by boundary passing: its destination is neither an empty tensor nor a fill or broadcast of one}}
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x16x16x8xf32>) outs(%c : tensor<1x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x16x8xf32>
  return %r : tensor<1x16x16x8xf32>
}
