// RUN: memopt-opt %s -split-input-file --memopt-row-bands="mode=overlap bands=4" -verify-diagnostics | FileCheck %s
// RUN: memopt-opt %s -split-input-file --memopt-row-bands="mode=overlap bands=4" --memopt-report 2>/dev/null | FileCheck %s --check-prefix=REPORT

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// conv 3x3/p1 -> relu on 16 rows in 4 bands of 4: each band pads and
// convolves 6 input rows and writes its 4 rows into the output. The loop's
// scratch is one band's working set, not the whole chain.
// CHECK-LABEL: func.func @conv_relu
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %[[STEP:.+]] iter_args
// CHECK: tensor.pad
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x4x16x8xf32>
// CHECK: linalg.generic
// CHECK: tensor.insert_slice {{.*}} into {{.*}}[0, %[[I]], 0, 0] [1, 4, 16, 8]
// CHECK: scf.yield
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
// CHECK: return
// REPORT-LABEL: memopt report for @conv_relu
// REPORT: activation peak     13,696 B
// REPORT: scratch of scf.for
// expected-remark @below {{memopt-row-bands: 1 segment(s) banded; modelled peak 18560 -> 13696 bytes}}
func.func @conv_relu(%x: tensor<1x16x16x8xf32>, %w: tensor<8x3x3x8xf32>) -> tensor<1x16x16x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x16x16x8xf32> to tensor<1x18x18x8xf32>
  %e = tensor.empty() : tensor<1x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x18x18x8xf32>, tensor<8x3x3x8xf32>) outs(%f : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  %e2 = tensor.empty() : tensor<1x16x16x8xf32>
  // expected-remark @below {{memopt-row-bands: segment of 3 ops from 'tensor.pad' to 'linalg.generic': 4 bands of 4 rows (overlap); estimated peak 18560 -> 13696 bytes; added MACs 0 of 147456 (0.0%)}}
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x16x16x8xf32>) outs(%e2 : tensor<1x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x16x8xf32>
  return %r : tensor<1x16x16x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A chain whose inner map is also read by an op that mixes rows (a matrix
// product over H after a reshape) while another map of the chain is live:
// refused with a remark naming the op, and left unchanged.
// CHECK-LABEL: func.func @read_outside
// CHECK-NOT: scf.for
// CHECK: return
func.func @read_outside(%x: tensor<1x8x8x4xf32>, %y: tensor<1x8x8x4xf32>) -> (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) {
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  // expected-remark @below {{memopt-row-bands: not banded: its rows are also read by func.return outside the chain, where other maps of the chain are live}}
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xf32>) outs(%e : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %e2 = tensor.empty() : tensor<1x8x8x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xf32>) outs(%e2 : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %e3 = tensor.empty() : tensor<1x8x8x4xf32>
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %b : tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) outs(%e3 : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.addf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  return %a, %c : tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Two feature maps enter the chain from outside it: refused.
// CHECK-LABEL: func.func @two_inputs
// CHECK-NOT: scf.for
func.func @two_inputs(%x: tensor<1x8x8x4xf32>, %y: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xf32>) outs(%e : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %e3 = tensor.empty() : tensor<1x8x8x4xf32>
  // expected-remark @below {{memopt-row-bands: not banded: this chain reads two feature maps from outside it}}
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %y : tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) outs(%e3 : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.addf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  return %c : tensor<1x8x8x4xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Global pooling (one row from all rows) ends the chain: it stays outside.
// Two elementwise maps of 1 KiB are live together unbanded; banded, the
// output and one band of each (2 x 256 B), and at the pooling the output,
// the pooling's window (a tensor.empty it reads: bufferization allocates
// its 256 B) and its 16 B result.
// CHECK-LABEL: func.func @global_pool_ends
// CHECK: scf.for
// CHECK: scf.yield
// CHECK: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x1x1x4xf32>
// expected-remark @below {{memopt-row-bands: 1 segment(s) banded; modelled peak 2048 -> 1296 bytes}}
func.func @global_pool_ends(%x: tensor<1x8x8x4xf32>) -> tensor<1x1x1x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xf32>) outs(%e : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %e2 = tensor.empty() : tensor<1x8x8x4xf32>
  // expected-remark @below {{memopt-row-bands: segment of 2 ops from 'linalg.generic' to 'linalg.generic': 4 bands of 2 rows (overlap); estimated peak 2048 -> 1280 bytes; added MACs 0 of 0}}
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : tensor<1x8x8x4xf32>) outs(%e2 : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  %e3 = tensor.empty() : tensor<1x1x1x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32>
  %w = tensor.empty() : tensor<8x8xf32>
  %s = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%b, %w : tensor<1x8x8x4xf32>, tensor<8x8xf32>) outs(%f : tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32>
  return %s : tensor<1x1x1x4xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A stem (conv 3x3/p1 -> relu) whose map two branches read, as a NAS cell's
// input is read by each of its branches: the whole run is refused (the
// first branch's map is returned while the second branch reads the stem),
// so it is split at the map both branches read and the stem is banded on
// its own; the branches, one op each, stay as they are.
// CHECK-LABEL: func.func @stem_then_branches
// CHECK: scf.for
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x4x16x8xf32>
// CHECK: linalg.generic
// CHECK: scf.yield
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x16x16x2xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x16x16x2xf32>
// expected-remark @below {{memopt-row-bands: 1 segment(s) banded; modelled peak 18560 -> 13696 bytes}}
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
  // expected-remark @below {{memopt-row-bands: segment of 3 ops from 'tensor.pad' to 'linalg.generic'}}
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

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A stem whose result is summed with another map (a NAS cell's branch sum):
// the run reads two maps from outside and has no map read twice, so it is
// split into chains at the sum, and the stem chain is banded on its own.
// CHECK-LABEL: func.func @stem_then_sum
// CHECK: scf.for
// CHECK: scf.yield
// CHECK: arith.addf
// expected-remark @below {{memopt-row-bands: 1 segment(s) banded; modelled peak 18560 -> 7552 bytes}}
func.func @stem_then_sum(%x: tensor<1x16x16x8xf32>, %y: tensor<1x16x16x2xf32>, %w: tensor<8x3x3x8xf32>, %wa: tensor<2x1x1x8xf32>) -> tensor<1x16x16x2xf32> {
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
  // expected-remark @below {{memopt-row-bands: segment of 4 ops from 'tensor.pad' to 'linalg.conv_2d_nhwc_fhwc'}}
  %a = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %wa : tensor<1x16x16x8xf32>, tensor<2x1x1x8xf32>) outs(%fa : tensor<1x16x16x2xf32>) -> tensor<1x16x16x2xf32>
  %es = tensor.empty() : tensor<1x16x16x2xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %y : tensor<1x16x16x2xf32>, tensor<1x16x16x2xf32>) outs(%es : tensor<1x16x16x2xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.addf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<1x16x16x2xf32>
  return %s : tensor<1x16x16x2xf32>
}

// -----

// Tosa is banded in its linalg form: the function is left as it is, with a
// remark naming the first convolution.
// CHECK-LABEL: func.func @tosa_input
// CHECK: tosa.conv2d
func.func @tosa_input(%x: tensor<1x16x16x4xf32>, %w: tensor<4x3x3x4xf32>,
                      %b: tensor<4xf32>) -> tensor<1x16x16x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{memopt-row-bands: not banded: 'tosa.conv2d' is banded in its linalg form; lower the function first (--tosa-to-linalg-pipeline), or use --memopt-row-bands-training on a tosa training step}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x16x16x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  %1 = tosa.conv2d %0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x16x16x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x4xf32>
  return %1 : tensor<1x16x16x4xf32>
}
