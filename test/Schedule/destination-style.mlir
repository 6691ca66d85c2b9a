// Destination-style results and views share storage with another value, but
// their users still depend on the op that defines them. Every algorithm, with
// and without in-place reuse, must produce IR that verifies and keeps the
// matmul before its user (the reproducer of a dominance error).
// RUN: for a in input rpo list dfs lpmf heuristics dp ilp auto; do \
// RUN:   for ip in false true; do \
// RUN:     memopt-opt %s -split-input-file --memory-schedule="algorithm=$a in-place=$ip" || exit 1; \
// RUN:   done; \
// RUN: done > %t.all
// RUN: memopt-opt %s -split-input-file --memory-schedule | FileCheck %s

// tensor.empty is not a buffer: each op writing into one allocates its own
// result, and the matmul writes into the fill's buffer (its only user). In
// the input order the two 256 KiB producers are live together (528 KiB);
// finished one after the other, the peak is the reduction's working set.
// CHECK-LABEL: func.func @fill_matmul_reduce
// CHECK-SAME: peak_bytes = 294912
// CHECK-SAME: lower_bound_bytes = 294912
// CHECK-SAME: input_peak_bytes = 540672
// CHECK: %[[FILL:.+]] = linalg.fill
// CHECK: %[[MM:.+]] = linalg.matmul {{.*}} outs(%[[FILL]]
// CHECK: linalg.generic {{.*}} ins(%[[MM]],
#id2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @fill_matmul_reduce(%a: tensor<64x1024xf32>, %b: tensor<1024x64xf32>, %c: tensor<64x64x16xf32>) -> tensor<64x64xf32> {
  %z = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<64x64x16xf32>
  %big = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%c : tensor<64x64x16xf32>) outs(%eb : tensor<64x64x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x = math.exp %in : f32
    linalg.yield %x : f32
  } -> tensor<64x64x16xf32>
  %et = tensor.empty() : tensor<1024x64xf32>
  %t = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<1024x64xf32>) outs(%et : tensor<1024x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x = math.exp %in : f32
    linalg.yield %x : f32
  } -> tensor<1024x64xf32>
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %m = linalg.matmul ins(%a, %t : tensor<64x1024xf32>, tensor<1024x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  %g = linalg.generic {indexing_maps = [#id2, #id3, #id2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%m, %big : tensor<64x64xf32>, tensor<64x64x16xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %x = arith.addf %in, %in2 : f32
    %y = arith.addf %x, %out : f32
    linalg.yield %y : f32
  } -> tensor<64x64xf32>
  return %g : tensor<64x64xf32>
}

// -----

// A store through a subview depends on the subview; loads through a reshape stay
// after the store.
// CHECK-LABEL: func.func @store_through_view
// CHECK: %[[A:.+]] = memref.alloc
// CHECK: %[[V:.+]] = memref.subview %[[A]]
// CHECK: memref.store %{{.+}}, %[[V]]
// CHECK: memref.load
func.func @store_through_view(%x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %other = memref.alloc() : memref<1024xf32>
  %a = memref.alloc() : memref<64xf32>
  %v = memref.subview %a[8] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.store %x, %other[%c0] : memref<1024xf32>
  memref.store %x, %v[%c0] : memref<16xf32, strided<[1], offset: 8>>
  %c = memref.expand_shape %a [[0, 1]] output_shape [8, 8] : memref<64xf32> into memref<8x8xf32>
  %l = memref.load %c[%c0, %c0] : memref<8x8xf32>
  %m = memref.load %other[%c0] : memref<1024xf32>
  %s = arith.addf %l, %m : f32
  memref.dealloc %a : memref<64xf32>
  memref.dealloc %other : memref<1024xf32>
  return %s : f32
}

// -----

// Each matmul writes into the buffer of its bias broadcast, which the ReLU
// after it reads too: the broadcasts have two successors, but the matmul
// runs before the ReLU in every order, so each broadcast is attached to its
// matmul and no longer rules out the cuts between the layers (10 segments,
// all settled).
// CHECK-LABEL: func.func @bias_chain
// CHECK-SAME: peak_bytes = 32768
// CHECK-SAME: status = optimal
// CHECK-SAME: segments = 10, optimal_segments = 10
#row = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @bias_chain(%x: tensor<64x64xf32>, %b: tensor<64xf32>) -> tensor<64x64xf32> {
  %e0 = tensor.empty() : tensor<64x64xf32>
  %b0 = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<64xf32>) outs(%e0 : tensor<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<64x64xf32>
  %e1 = tensor.empty() : tensor<64x64xf32>
  %b1 = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<64xf32>) outs(%e1 : tensor<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<64x64xf32>
  %m0 = linalg.matmul ins(%x, %x : tensor<64x64xf32>, tensor<64x64xf32>) outs(%b0 : tensor<64x64xf32>) -> tensor<64x64xf32>
  %e2 = tensor.empty() : tensor<64x64xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m0 : tensor<64x64xf32>) outs(%e2 : tensor<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %y = arith.maximumf %in, %z : f32
    linalg.yield %y : f32
  } -> tensor<64x64xf32>
  %m1 = linalg.matmul ins(%r0, %r0 : tensor<64x64xf32>, tensor<64x64xf32>) outs(%b1 : tensor<64x64xf32>) -> tensor<64x64xf32>
  %e3 = tensor.empty() : tensor<64x64xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m1 : tensor<64x64xf32>) outs(%e3 : tensor<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %y = arith.maximumf %in, %z : f32
    linalg.yield %y : f32
  } -> tensor<64x64xf32>
  return %r1 : tensor<64x64xf32>
}
