// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-annotate -verify-diagnostics | FileCheck %s

// Every value gets its size in bytes: vectors in tensors and memrefs, async
// values, data-layout types. Types whose size memopt does not know are never
// counted as zero: the function gets a warning naming the op and stays
// unchanged.

// CHECK-LABEL: func.func @sized
// CHECK-SAME: #memopt.summary<peak_bytes = 320, resident_bytes = 0
// CHECK: "test.vectors"() {memopt.lifetimes = [#memopt.lifetime<0, 7>], memopt.sizes = array<i64: 128>}
// CHECK: "test.vector_memref"() {memopt.lifetimes = [#memopt.lifetime<1, 7>], memopt.sizes = array<i64: 64>}
// CHECK: "test.async"() {memopt.lifetimes = [#memopt.lifetime<2, 7>], memopt.sizes = array<i64: 16>}
// CHECK: "test.index_vectors"() {memopt.lifetimes = [#memopt.lifetime<3, 7>], memopt.sizes = array<i64: 64>}
// CHECK: "test.complex"() {memopt.lifetimes = [#memopt.lifetime<4, 7>], memopt.sizes = array<i64: 40>}
// CHECK: "test.pointer"() {memopt.lifetimes = [#memopt.lifetime<5, 7>], memopt.sizes = array<i64: 8>}
// CHECK: "test.tokens"() {memopt.lifetimes = [#memopt.lifetime<6, 7>, #memopt.lifetime<6, 7>, #memopt.lifetime<6, 7>], memopt.sizes = array<i64: 0, 0, 0>}
func.func @sized() {
  %0 = "test.vectors"() : () -> tensor<4xvector<8xf32>>
  %1 = "test.vector_memref"() : () -> memref<2x2xvector<2x2xf32>>
  %2 = "test.async"() : () -> !async.value<tensor<4xf32>>
  %3 = "test.index_vectors"() : () -> tensor<2xvector<4xindex>>
  %4 = "test.complex"() : () -> tuple<complex<f32>, tensor<2xcomplex<f64>>, none>
  %5 = "test.pointer"() : () -> !llvm.ptr
  %6:3 = "test.tokens"() : () -> (!async.token, !stablehlo.token, none)
  "test.use"(%0, %1, %2, %3, %4, %5, %6#0, %6#1, %6#2) : (tensor<4xvector<8xf32>>, memref<2x2xvector<2x2xf32>>, !async.value<tensor<4xf32>>, tensor<2xvector<4xindex>>, tuple<complex<f32>, tensor<2xcomplex<f64>>, none>, !llvm.ptr, !async.token, !stablehlo.token, none) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @dialect_elements
// CHECK-NOT: memopt.
func.func @dialect_elements() {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'tensor<4x!foo.bar>': it holds '!foo.bar', whose size memopt does not know; the function is left unchanged}}
  %0 = "test.make"() : () -> tensor<4x!foo.bar>
  return
}

// -----

// CHECK-LABEL: func.func @memref_of_memrefs
// CHECK-NOT: memopt.
func.func @memref_of_memrefs() {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'memref<4xmemref<8xf32>>': it holds 'memref<8xf32>', whose size memopt does not know; the function is left unchanged}}
  %0 = "test.make"() : () -> memref<4xmemref<8xf32>>
  return
}

// -----

// CHECK-LABEL: func.func @opaque
// CHECK-NOT: memopt.
func.func @opaque() {
  // expected-warning @+1 {{memopt cannot model result #1 of type '!foo.value<tensor<4xf32>>': it holds '!foo.value<tensor<4xf32>>', whose size memopt does not know; the function is left unchanged}}
  %0:2 = "test.make"() : () -> (tensor<4xf32>, !foo.value<tensor<4xf32>>)
  return
}

// -----

// CHECK-LABEL: func.func @async_of_unknown
// CHECK-NOT: memopt.
func.func @async_of_unknown() {
  // expected-warning @+1 {{memopt cannot model result #0 of type '!async.value<tensor<?xf32>>': it has a dynamic shape; the function is left unchanged}}
  %0 = "test.make"() : () -> !async.value<tensor<?xf32>>
  return
}

// -----

// CHECK-LABEL: func.func @scalable
// CHECK-NOT: memopt.
func.func @scalable() {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'tensor<2xvector<[4]xf32>>': it is a scalable vector or holds one; the function is left unchanged}}
  %0 = "test.make"() : () -> tensor<2xvector<[4]xf32>>
  return
}

// -----

// CHECK-LABEL: func.func @tuple_of_unknown
// CHECK-NOT: memopt.
func.func @tuple_of_unknown() {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'tuple<f32, !foo.bar>': it holds '!foo.bar', whose size memopt does not know; the function is left unchanged}}
  %0 = "test.make"() : () -> tuple<f32, !foo.bar>
  return
}

// -----

// CHECK-LABEL: func.func @unknown_argument
// CHECK-NOT: memopt.
// expected-warning @+1 {{memopt cannot model argument #0 of type '!foo.handle': it holds '!foo.handle', whose size memopt does not know; the function is left unchanged}}
func.func @unknown_argument(%arg0: !foo.handle) {
  return
}

// -----

// CHECK-LABEL: func.func @opaque_struct
// CHECK-NOT: memopt.
func.func @opaque_struct() {
  // expected-warning @+1 {{memopt cannot model result #0 of type '!llvm.struct<"opaque_s", opaque>': it holds '!llvm.struct<"opaque_s", opaque>', whose size memopt does not know; the function is left unchanged}}
  %0 = "test.make"() : () -> !llvm.struct<"opaque_s", opaque>
  return
}

// -----

// Types of the LLVM dialect take their default data-layout size.
// CHECK-LABEL: func.func @llvm_types
// CHECK: memopt.sizes = array<i64: 16>} : () -> !llvm.array<4 x i32>
// CHECK: memopt.sizes = array<i64: 24>} : () -> !llvm.struct<(ptr, i64, array<3 x i8>)>
// CHECK: memopt.sizes = array<i64: 0>} : () -> !llvm.token
func.func @llvm_types() {
  %0 = "test.make"() : () -> !llvm.array<4 x i32>
  %1 = "test.make"() : () -> !llvm.struct<(ptr, i64, array<3 x i8>)>
  %2 = "test.make"() : () -> !llvm.token
  "test.use"(%0, %1, %2) : (!llvm.array<4 x i32>, !llvm.struct<(ptr, i64, array<3 x i8>)>, !llvm.token) -> ()
  return
}
