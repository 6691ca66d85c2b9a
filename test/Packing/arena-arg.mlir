// RUN: memopt-opt %s -split-input-file --memopt-arena="alignment=16 arena-mode=arg" -verify-diagnostics | FileCheck %s

// The arena becomes the last argument; its size is exported as an attribute
// and by a size-query function.
// CHECK-LABEL: func.func @kernel
// CHECK-SAME: (%{{[^:]*}}: memref<8xf32>, %[[ARENA:[^:]*]]: memref<64xi8>)
// CHECK-SAME: memopt.arena_size = 64 : i64
// CHECK-NOT: memref.alloc
// CHECK: memref.view %[[ARENA]]
// CHECK: memref.view %[[ARENA]]
// CHECK-NOT: memref.dealloc
// CHECK: return
// CHECK: func.func @kernel_arena_size() -> index
// CHECK-NEXT: %[[SIZE:.+]] = arith.constant 64 : index
// CHECK-NEXT: return %[[SIZE]] : index
func.func @kernel(%x: memref<8xf32>) {
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<8xf32>
  memref.copy %x, %a : memref<8xf32> to memref<8xf32>
  memref.copy %a, %b : memref<8xf32> to memref<8xf32>
  memref.copy %b, %x : memref<8xf32> to memref<8xf32>
  memref.dealloc %a : memref<8xf32>
  memref.dealloc %b : memref<8xf32>
  return
}

// -----

// A function called in the module keeps its signature.
// CHECK-LABEL: func.func @callee
// CHECK: memref.alloc() : memref<4xf32>
// expected-remark @below {{memopt-arena: arena-mode=arg changes the signature of a function that is called in this module; the function is left unchanged}}
func.func @callee(%x: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  memref.copy %x, %t : memref<4xf32> to memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
}
func.func @caller(%x: memref<4xf32>) {
  call @callee(%x) : (memref<4xf32>) -> ()
  return
}

// -----

// The size query takes a fresh name when @<name>_arena_size is taken.
// CHECK-LABEL: func.func @taken
// CHECK-SAME: memopt.arena_size = 16 : i64
// CHECK: func.func @taken_arena_size_0() -> index
// CHECK-NEXT: %[[SIZE:.+]] = arith.constant 16 : index
// CHECK-NEXT: return %[[SIZE]] : index
// CHECK: func.func @taken_arena_size() -> i32
// expected-remark @below {{memopt-arena: @taken_arena_size is taken; the arena size query is @taken_arena_size_0}}
func.func @taken(%x: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  memref.copy %x, %t : memref<4xf32> to memref<4xf32>
  memref.copy %t, %x : memref<4xf32> to memref<4xf32>
  return
}
func.func @taken_arena_size() -> i32 {
  %c = arith.constant 7 : i32
  return %c : i32
}
