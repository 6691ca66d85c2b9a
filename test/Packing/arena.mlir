// RUN: memopt-opt %s -split-input-file --memopt-arena=alignment=16 -verify-diagnostics | FileCheck %s

// Three temporaries in a chain: %a and %c never live together and share
// bytes 0..63; %b sits above. Their deallocations go; the arena is freed
// before the return.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: arena_bytes = 128
// CHECK: %[[ARENA:.+]] = memref.alloc() {alignment = 16 : i64} : memref<128xi8>
// CHECK: %[[OA:.+]] = arith.constant [[OFFA:[0-9]+]] : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[OA]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.view %[[ARENA]]
// CHECK: arith.constant [[OFFA]] : index
// CHECK: memref.view %[[ARENA]]
// CHECK-NOT: memref.dealloc %[[A]]
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NEXT: return
func.func @chain(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %b, %c : memref<16xf32> to memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  memref.copy %c, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %c : memref<16xf32>
  return
}

// -----

// A view keeps its buffer alive: %a is read through a subview after %b is
// first written, so they cannot share bytes.
// CHECK-LABEL: func.func @alias_extends_lifetime
// CHECK-SAME: arena_bytes = 80
func.func @alias_extends_lifetime(%in: memref<16xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %view = memref.subview %a[4] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: 4>>
  %b = memref.alloc() : memref<4xf32>
  memref.copy %out, %b : memref<4xf32> to memref<4xf32>
  memref.copy %view, %out : memref<4xf32, strided<[1], offset: 4>> to memref<4xf32>
  memref.copy %b, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  memref.dealloc %a : memref<16xf32>
  return
}

// -----

// A lifetime starts at the first use, not at the allocation: bufferization
// leaves allocations where tensor.empty was. %b is allocated first but only
// written after %a's last read, so the two share bytes.
// CHECK-LABEL: func.func @first_use_starts_lifetime
// CHECK-SAME: arena_bytes = 64
// CHECK-COUNT-2: arith.constant 0 : index
func.func @first_use_starts_lifetime(%in: memref<16xf32>, %out: memref<16xf32>) {
  %b = memref.alloc() : memref<16xf32>
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %a, %out : memref<16xf32> to memref<16xf32>
  memref.copy %out, %b : memref<16xf32> to memref<16xf32>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// Allocations the pass cannot plan stay, with a remark saying why.
// CHECK-LABEL: func.func @unplannable
// CHECK-DAG: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-DAG: memref.alloc() : memref<4xf32, strided<[1], offset: 2>>
// CHECK-DAG: %[[RET:.+]] = memref.alloc() : memref<8xf32>
// CHECK: scf.for
// CHECK-NEXT: memref.alloc() : memref<2xf32>
// CHECK: return %[[RET]]
func.func @unplannable(%n: index) -> memref<8xf32> {
  // expected-remark @below {{memopt-arena: allocation left in place: it has dynamic sizes}}
  %dyn = memref.alloc(%n) : memref<?xf32>
  // expected-remark @below {{memopt-arena: allocation left in place: it has a non-identity layout}}
  %strided = memref.alloc() : memref<4xf32, strided<[1], offset: 2>>
  // expected-remark @below {{memopt-arena: allocation left in place: it escapes through the function's results}}
  %ret = memref.alloc() : memref<8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-remark @below {{memopt-arena: allocation left in place: it is allocated inside 'scf.for' (a loop or a branch); its 8 bytes per execution stay outside the arena}}
    %t = memref.alloc() : memref<2xf32>
    memref.dealloc %t : memref<2xf32>
    // expected-remark @below {{memopt-arena: allocation left in place: it is allocated inside 'scf.for' (a loop or a branch)}}
    %d = memref.alloc(%i) : memref<?xf32>
    memref.dealloc %d : memref<?xf32>
  }
  memref.dealloc %dyn : memref<?xf32>
  memref.dealloc %strided : memref<4xf32, strided<[1], offset: 2>>
  return %ret : memref<8xf32>
}

// -----

// Casts, reshapes and calls returning memrefs alias their operands: %a is
// live until its last use through %r, so %b, allocated before that, gets
// other bytes; %c, allocated after, reuses %a's.
// CHECK-LABEL: func.func @aliases_through_calls_and_reshapes
// CHECK-SAME: arena_bytes = 128
// CHECK: %[[ARENA:.+]] = memref.alloc() {alignment = 16 : i64} : memref<128xi8>
// CHECK: %[[OA:.+]] = arith.constant [[OFFA:[0-9]+]] : index
// CHECK: memref.view %[[ARENA]][%[[OA]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK: memref.view %[[ARENA]]
// CHECK: call @pass_through
// CHECK: %[[OC:.+]] = arith.constant [[OFFA]] : index
// CHECK: memref.view %[[ARENA]][%[[OC]]][] : memref<128xi8> to memref<16xf32>
func.func private @pass_through(memref<16xf32>) -> memref<16xf32>
func.func @aliases_through_calls_and_reshapes(%out: memref<16xf32>) {
  %a = memref.alloc() : memref<4x4xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  %r = call @pass_through(%flat) : (memref<16xf32>) -> memref<16xf32>
  memref.copy %r, %b : memref<16xf32> to memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %b, %c : memref<16xf32> to memref<16xf32>
  memref.copy %c, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<4x4xf32>
  memref.dealloc %b : memref<16xf32>
  memref.dealloc %c : memref<16xf32>
  return
}
