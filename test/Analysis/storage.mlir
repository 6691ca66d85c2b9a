// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-annotate | FileCheck %s
// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-assign-offsets | FileCheck %s --check-prefix=OFFSETS

// The bytes memopt counts are those bufferization allocates.

// tensor.empty allocates nothing: each op writing into it allocates its own
// result. The two fills (1 KiB each) are live together with the add's result
// at step 3: 3 KiB, not one shared 1 KiB "empty" buffer.
// CHECK-LABEL: func.func @empty_used_twice
// CHECK-SAME: peak_bytes = 3072
// CHECK: tensor.empty
// CHECK-NOT: memopt.sizes
// CHECK-SAME: : tensor<256xf32>
func.func @empty_used_twice(%x: f32, %y: f32) -> tensor<256xf32> {
  %e = tensor.empty() : tensor<256xf32>
  %a = linalg.fill ins(%x : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %b = linalg.fill ins(%y : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %s = arith.addf %a, %b : tensor<256xf32>
  return %s : tensor<256xf32>
}

// -----

// A destination-style op that is its init's only user writes into the init's
// buffer: fill and matmul share 256 bytes, so the peak is the matmul's
// working set 2 KiB + 2 KiB + 256 B.
// CHECK-LABEL: func.func @matmul_into_fill
// CHECK-SAME: peak_bytes = 4352
// The matmul's result is annotated with the fill's buffer.
// OFFSETS-LABEL: func.func @matmul_into_fill
// OFFSETS: linalg.fill {memopt.buffers = [#memopt.buffer<[[OFFSET:[0-9]+]], 256, 64>]
// OFFSETS: linalg.matmul {memopt.buffers = [#memopt.buffer<[[OFFSET]], 256, 64>]
func.func @matmul_into_fill(%a: tensor<8x64xf32>, %b: tensor<64x8xf32>, %z: f32) -> tensor<8x8xf32> {
  %ea = tensor.empty() : tensor<8x64xf32>
  %a2 = linalg.copy ins(%a : tensor<8x64xf32>) outs(%ea : tensor<8x64xf32>) -> tensor<8x64xf32>
  %eb = tensor.empty() : tensor<64x8xf32>
  %b2 = linalg.copy ins(%b : tensor<64x8xf32>) outs(%eb : tensor<64x8xf32>) -> tensor<64x8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%a2, %b2 : tensor<8x64xf32>, tensor<64x8xf32>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}

// -----

// Reshapes are views: they add no bytes, and reading the view reads its
// source, which stays live until then (step 5). A view of a constant is
// resident and counted once.
// CHECK-LABEL: func.func @reshape_views
// CHECK-SAME: peak_bytes = 1024
// CHECK-SAME: resident_bytes = 1024
// CHECK: tosa.exp
// CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<1, 5>], memopt.sizes = array<i64: 512>
func.func @reshape_views(%x: tensor<128xf32>) -> tensor<8x16xf32> {
  %c = "tosa.const"() <{values = dense<1.0> : tensor<128xf32>}> : () -> tensor<128xf32>
  %e = tosa.exp %x : (tensor<128xf32>) -> tensor<128xf32>
  %shape = tosa.const_shape {values = dense<[8, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %e, %shape : (tensor<128xf32>, !tosa.shape<2>) -> tensor<8x16xf32>
  %rc = tosa.reshape %c, %shape : (tensor<128xf32>, !tosa.shape<2>) -> tensor<8x16xf32>
  %s = tosa.add %r, %rc : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %s : tensor<8x16xf32>
}

// -----

// tosa.slice is a view too (tosa-to-tensor lowers it to tensor.extract_slice,
// a memref.subview after bufferization; slice-view-lowering.mlir checks
// that): the shifted slice of a factorized reduction adds no bytes and keeps
// the ReLU (1 KiB) live until the clamp that reads it (step 4), with the
// clamp's 784 B result: peak 1808 B.
// CHECK-LABEL: func.func @slice_view
// CHECK-SAME: peak_bytes = 1808
// CHECK: tosa.clamp
// CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<0, 4>], memopt.sizes = array<i64: 1024>
// CHECK: tosa.slice
// CHECK-NOT: memopt.sizes
// CHECK-SAME: -> tensor<1x7x7x4xf32>
func.func @slice_view(%a: tensor<1x8x8x4xf32>) -> tensor<1x7x7x4xf32> {
  %x = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %start = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 7, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.slice %x, %start, %size : (tensor<1x8x8x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x7x7x4xf32>) -> tensor<1x7x7x4xf32>
  return %r : tensor<1x7x7x4xf32>
}

// -----

// A memref yielded by a region aliases what the op reads, and may also be a
// buffer allocated inside: both stay live through the result's uses
// (3 x 256 B, and the loaded scalar).
// CHECK-LABEL: func.func @region_results
// CHECK-SAME: peak_bytes = 772
func.func @region_results(%p: i1) -> f32 {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<64xf32>
  %r = scf.if %p -> memref<64xf32> {
    %b = memref.alloc() : memref<64xf32>
    scf.yield %b : memref<64xf32>
  } else {
    scf.yield %a : memref<64xf32>
  }
  %other = memref.alloc() : memref<64xf32>
  %x = memref.load %r[%c0] : memref<64xf32>
  memref.store %x, %other[%c0] : memref<64xf32>
  %y = memref.load %other[%c0] : memref<64xf32>
  return %y : f32
}

// -----

// A frontend tuple holds references to its elements (XLA and IREE never copy
// them): it adds no bytes, and reading it reads every element, so %b lives
// until the get_tuple_element at step 3. An element picked from a tuple built
// in the function is that element's buffer: reading %e reads %a only. The
// peak is %a and %b, 2 KiB, not 4 KiB with a copied tuple.
// CHECK-LABEL: func.func @tuple_aliases
// CHECK-SAME: peak_bytes = 2048
// CHECK: "mhlo.exponential"
// CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<0, 4>]
// CHECK: "mhlo.negate"
// CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<1, 3>]
// CHECK: "mhlo.tuple"
// CHECK-NOT: memopt.sizes
// CHECK-SAME: -> tuple<
// CHECK: "mhlo.get_tuple_element"
// CHECK-NOT: memopt.sizes
// CHECK-SAME: -> tensor<256xf32>
func.func @tuple_aliases(%x: tensor<256xf32>) -> tensor<256xf32> {
  %a = "mhlo.exponential"(%x) : (tensor<256xf32>) -> tensor<256xf32>
  %b = "mhlo.negate"(%x) : (tensor<256xf32>) -> tensor<256xf32>
  %t = "mhlo.tuple"(%a, %b) : (tensor<256xf32>, tensor<256xf32>) -> tuple<tensor<256xf32>, tensor<256xf32>>
  %e = "mhlo.get_tuple_element"(%t) {index = 0 : i32} : (tuple<tensor<256xf32>, tensor<256xf32>>) -> tensor<256xf32>
  %s = "mhlo.abs"(%e) : (tensor<256xf32>) -> tensor<256xf32>
  return %s : tensor<256xf32>
}

// -----

// A tensor.empty that an op reads (a pooling window) is allocated by
// bufferization where it stands: 256 B of its own, with the 16 B result.
// CHECK-LABEL: func.func @pooling_window
// CHECK-SAME: peak_bytes = 272
// CHECK: tensor.empty() {{.*}}memopt.sizes = array<i64: 256>{{.*}} : tensor<8x8xf32>
func.func @pooling_window(%x: tensor<1x8x8x4xf32>, %z: f32) -> tensor<1x1x1x4xf32> {
  %e = tensor.empty() : tensor<1x1x1x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32>
  %w = tensor.empty() : tensor<8x8xf32>
  %s = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x8x8x4xf32>, tensor<8x8xf32>) outs(%f : tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32>
  return %s : tensor<1x1x1x4xf32>
}

// -----

// Boundary passing's carry: a band's rows are copied back into the carry
// that built its window. The carry's other reader (the insert_slice) feeds
// the copy, so it runs before it in every order: the copy is the carry's
// last reader and writes in place, as bufferization does. 256 B of carry
// and the 512 B window, not a third buffer.
// CHECK-LABEL: func.func @copy_back_into_carry
// CHECK-SAME: peak_bytes = 768
func.func @copy_back_into_carry(%x: tensor<64xf32>, %z: f32) -> (tensor<128xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xf32>
  %carry = linalg.copy ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %e2 = tensor.empty() : tensor<128xf32>
  %f = linalg.fill ins(%z : f32) outs(%e2 : tensor<128xf32>) -> tensor<128xf32>
  %window = tensor.insert_slice %carry into %f[0] [64] [1] : tensor<64xf32> into tensor<128xf32>
  %rows = tensor.extract_slice %window[64] [64] [1] : tensor<128xf32> to tensor<64xf32>
  %next = linalg.copy ins(%rows : tensor<64xf32>) outs(%carry : tensor<64xf32>) -> tensor<64xf32>
  return %window, %next : tensor<128xf32>, tensor<64xf32>
}

// -----

// A tuple of nothing is no buffer.
// CHECK-LABEL: func.func @empty_tuple
// CHECK-SAME: peak_bytes = 0
func.func @empty_tuple() -> tuple<> {
  %t = "mhlo.tuple"() : () -> tuple<>
  return %t : tuple<>
}

// -----

// memopt.caller_allocated_results: the caller allocates the result buffers
// (buffer-results-to-out-params{hoist-static-allocs}), so the returned add
// (1 KiB) is resident; the returned slice is a view and still needs the
// 2 KiB mul it views; the returned argument costs nothing either way. Peak:
// the mul alone, 2 KiB (3 KiB without the attribute, below).
// CHECK-LABEL: func.func @caller_allocated_results
// CHECK-SAME: peak_bytes = 2048
// CHECK-SAME: resident_bytes = 4096
func.func @caller_allocated_results(%x: tensor<256xf32>, %y: tensor<512xf32>) -> (tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) attributes {memopt.caller_allocated_results} {
  %a = arith.addf %x, %x : tensor<256xf32>
  %b = arith.mulf %y, %y : tensor<512xf32>
  %s = tensor.extract_slice %b[0] [256] [1] : tensor<512xf32> to tensor<256xf32>
  return %a, %s, %x : tensor<256xf32>, tensor<256xf32>, tensor<256xf32>
}

// -----

// CHECK-LABEL: func.func @callee_allocated_results
// CHECK-SAME: peak_bytes = 3072
// CHECK-SAME: resident_bytes = 3072
func.func @callee_allocated_results(%x: tensor<256xf32>, %y: tensor<512xf32>) -> (tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) {
  %a = arith.addf %x, %x : tensor<256xf32>
  %b = arith.mulf %y, %y : tensor<512xf32>
  %s = tensor.extract_slice %b[0] [256] [1] : tensor<512xf32> to tensor<256xf32>
  return %a, %s, %x : tensor<256xf32>, tensor<256xf32>, tensor<256xf32>
}
