// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-annotate | FileCheck %s

// A diamond: a feeds b and c, both feed d; d escapes. Sizes 64, 128, 32 and
// 16 bytes at steps 0..3. Live bytes: {a} 64, {a,b} 192, {a,b,c} 224,
// {b,c,d} 176: the peak is 224 at step 2. Working sets: a 64, b 192, c 96,
// d 176. The unregistered ops are ordering barriers, so b precedes c in
// every order and b's 128 bytes are live across c: the lower bound is
// 96 + 128 = 224, and the order is proven optimal. The argument is resident.
// CHECK-LABEL: func.func @diamond
// CHECK-SAME: memopt.summary = #memopt.summary<peak_bytes = 224, resident_bytes = 64, lower_bound_bytes = 224, algorithm = "input", status = optimal>
func.func @diamond(%arg0: tensor<16xf32>) -> tensor<4xf32> {
  // CHECK: "test.a"
  // CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<0, 2>], memopt.sizes = array<i64: 64>
  %a = "test.a"(%arg0) : (tensor<16xf32>) -> tensor<16xf32>
  // CHECK: "test.b"
  // CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<1, 3>], memopt.sizes = array<i64: 128>
  %b = "test.b"(%a) : (tensor<16xf32>) -> tensor<32xf32>
  // CHECK: "test.c"
  // CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<2, 3>], memopt.sizes = array<i64: 32>
  %c = "test.c"(%a) : (tensor<16xf32>) -> tensor<8xf32>
  // CHECK: "test.d"
  // CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<3, 3>], memopt.sizes = array<i64: 16>
  %d = "test.d"(%b, %c) : (tensor<32xf32>, tensor<8xf32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Element sizes: i1 takes a byte, index eight, complex two parts, i4 a byte.
// CHECK-LABEL: func.func @element_sizes
func.func @element_sizes() {
  // CHECK: memopt.sizes = array<i64: 3, 16, 16, 8, 5>
  %0:5 = "test.sizes"() : () -> (tensor<3xi1>, tensor<2xindex>, tensor<2xcomplex<f32>>, tensor<4xf16>, tensor<5xi4>)
  // CHECK: memopt.sizes = array<i64: 48, 4, 8>
  %1:3 = "test.more"() : () -> (memref<2x3xf64>, f32, vector<2xf32>)
  return
}

// -----

// A returned value stays live to the last step; a value nobody reads is live
// at its producer's step only.
// CHECK-LABEL: func.func @escaping_and_dead
// CHECK-SAME: peak_bytes = 24
func.func @escaping_and_dead() -> tensor<2xf32> {
  // CHECK: "test.out"() {memopt.lifetimes = [#memopt.lifetime<0, 2>]
  %out = "test.out"() : () -> tensor<2xf32>
  // CHECK: "test.dead"() {memopt.lifetimes = [#memopt.lifetime<1, 1>]
  %dead = "test.dead"() : () -> tensor<4xf32>
  // CHECK: "test.last"() {memopt.lifetimes = [#memopt.lifetime<2, 2>]
  %last = "test.last"() : () -> tensor<1xf32>
  return %out : tensor<2xf32>
}

// -----

// A value read inside a region counts as read by the op that holds it.
// CHECK-LABEL: func.func @captured_by_region
func.func @captured_by_region(%cond: i1) -> tensor<4xf32> {
  // CHECK: "test.captured"() {memopt.lifetimes = [#memopt.lifetime<0, 2>]
  %v = "test.captured"() : () -> tensor<4xf32>
  // CHECK: "test.between"() {memopt.lifetimes = [#memopt.lifetime<1, 1>]
  %w = "test.between"() : () -> tensor<8xf32>
  // CHECK: scf.if
  %r = scf.if %cond -> tensor<4xf32> {
    scf.yield %v : tensor<4xf32>
  } else {
    %z = "test.zero"() : () -> tensor<4xf32>
    scf.yield %z : tensor<4xf32>
  }
  // CHECK: memopt.lifetimes = [#memopt.lifetime<2, 2>]
  return %r : tensor<4xf32>
}

// -----

// Constants and globals are resident: not in the peak, counted apart.
ml_program.global private @weights(dense<1.0> : tensor<8xf32>) : tensor<8xf32>
// CHECK-LABEL: func.func @resident
// CHECK-SAME: peak_bytes = 64, resident_bytes = 96
func.func @resident(%arg0: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: ml_program.global_load_const @weights : tensor<8xf32> {memopt.resident}
  %w = ml_program.global_load_const @weights : tensor<8xf32>
  // CHECK: arith.constant {memopt.resident}
  %c = arith.constant dense<2.0> : tensor<8xf32>
  %0 = arith.addf %arg0, %w : tensor<8xf32>
  %1 = arith.mulf %0, %c : tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// Views of a buffer extend its lifetime and define no buffer of their own.
// CHECK-LABEL: func.func @memref_alias
// CHECK-SAME: peak_bytes = 96
func.func @memref_alias(%arg0: memref<4xf32>) {
  // CHECK: memref.alloc() {memopt.lifetimes = [#memopt.lifetime<0, 5>], memopt.sizes = array<i64: 64>}
  %a = memref.alloc() : memref<16xf32>
  // CHECK: memref.subview
  // CHECK-NOT: memopt.
  // CHECK-SAME: : memref<16xf32> to memref<4xf32, strided<[1], offset: 4>>
  %view = memref.subview %a[4] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: 4>>
  // CHECK: memref.alloc() {memopt.lifetimes = [#memopt.lifetime<2, 3>], memopt.sizes = array<i64: 32>}
  %b = memref.alloc() : memref<8xf32>
  memref.dealloc %b : memref<8xf32>
  memref.copy %arg0, %view : memref<4xf32> to memref<4xf32, strided<[1], offset: 4>>
  memref.dealloc %a : memref<16xf32>
  return
}
