// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-arena=alignment=16 -verify-diagnostics | FileCheck %s

// A buffer yielded by scf.if aliases both allocations it may yield: they
// stay live until the last use of %r, so %t, first written after the
// scf.if, gets bytes of its own.
// CHECK-LABEL: func.func @if_result_aliases
// CHECK-SAME: arena_bytes = 192
// CHECK-DAG: memref.view %{{.*}}[%[[O0:.+]]][]
// CHECK-DAG: memref.view %{{.*}}[%[[O1:.+]]][]
// CHECK-DAG: memref.view %{{.*}}[%[[O2:.+]]][]
func.func @if_result_aliases(%c: i1, %in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  %r = scf.if %c -> memref<16xf32> {
    scf.yield %a : memref<16xf32>
  } else {
    scf.yield %b : memref<16xf32>
  }
  %t = memref.alloc() : memref<16xf32>
  memref.copy %in, %t : memref<16xf32> to memref<16xf32>
  memref.copy %r, %out : memref<16xf32> to memref<16xf32>
  memref.copy %t, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  memref.dealloc %t : memref<16xf32>
  return
}

// -----

// Loop-carried buffers and loop results alias the init and what the body
// yields; a use inside the loop counts for the whole loop.
// CHECK-LABEL: func.func @loop_carried
// CHECK-SAME: arena_bytes = 192
func.func @loop_carried(%n: index, %in: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %a) -> memref<16xf32> {
    memref.copy %x, %b : memref<16xf32> to memref<16xf32>
    scf.yield %b : memref<16xf32>
  }
  %t = memref.alloc() : memref<16xf32>
  memref.copy %in, %t : memref<16xf32> to memref<16xf32>
  memref.copy %r, %out : memref<16xf32> to memref<16xf32>
  memref.copy %t, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  memref.dealloc %t : memref<16xf32>
  return
}

// -----

// scf.while and scf.execute_region results alias what they forward: %a and
// %b stay live until the last read of %w and %e, so %t gets its own bytes.
// CHECK-LABEL: func.func @while_and_execute_region
// CHECK-SAME: arena_bytes = 192
func.func @while_and_execute_region(%c: i1, %in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  %w = scf.while (%x = %a) : (memref<16xf32>) -> memref<16xf32> {
    scf.condition(%c) %x : memref<16xf32>
  } do {
  ^bb0(%y: memref<16xf32>):
    scf.yield %y : memref<16xf32>
  }
  %e = scf.execute_region -> memref<16xf32> {
    scf.yield %b : memref<16xf32>
  }
  %t = memref.alloc() : memref<16xf32>
  memref.copy %in, %t : memref<16xf32> to memref<16xf32>
  memref.copy %w, %out : memref<16xf32> to memref<16xf32>
  memref.copy %e, %out : memref<16xf32> to memref<16xf32>
  memref.copy %t, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// Returning an alias is escaping: through scf.if, a cast, a call result or
// an unranked cast.
// CHECK-LABEL: func.func @escapes
// CHECK-NOT: memref.view
// CHECK: return
func.func private @id(memref<8xf32>) -> memref<8xf32>
func.func @escapes(%c: i1, %in: memref<8xf32>) -> (memref<8xf32>, memref<8xf32, strided<[?], offset: ?>>, memref<8xf32>, memref<*xf32>) {
  // expected-remark @below {{memopt-arena: allocation left in place: it escapes through the function's results}}
  %a = memref.alloc() : memref<8xf32>
  %r = scf.if %c -> memref<8xf32> {
    scf.yield %a : memref<8xf32>
  } else {
    scf.yield %in : memref<8xf32>
  }
  // expected-remark @below {{memopt-arena: allocation left in place: it escapes through the function's results}}
  %b = memref.alloc() : memref<8xf32>
  %cast = memref.cast %b : memref<8xf32> to memref<8xf32, strided<[?], offset: ?>>
  // expected-remark @below {{memopt-arena: allocation left in place: it escapes through the function's results}}
  %d = memref.alloc() : memref<8xf32>
  %called = call @id(%d) : (memref<8xf32>) -> memref<8xf32>
  // expected-remark @below {{memopt-arena: allocation left in place: it escapes through the function's results}}
  %e = memref.alloc() : memref<8xf32>
  %unranked = memref.cast %e : memref<8xf32> to memref<*xf32>
  return %r, %cast, %called, %unranked : memref<8xf32>, memref<8xf32, strided<[?], offset: ?>>, memref<8xf32>, memref<*xf32>
}

// -----

// Addresses that leave what the pass can follow keep their allocation.
// CHECK-LABEL: func.func @addresses_taken
// CHECK-NOT: memref.view
// CHECK: return
func.func @addresses_taken(%slots: memref<1xmemref<8xf32>>) -> index {
  %c0 = arith.constant 0 : index
  // expected-remark @below {{memopt-arena: allocation left in place: its address is stored into memory by 'memref.store'}}
  %a = memref.alloc() : memref<8xf32>
  %view = memref.subview %a[0] [8] [1] : memref<8xf32> to memref<8xf32, strided<[1]>>
  %cast = memref.cast %view : memref<8xf32, strided<[1]>> to memref<8xf32>
  memref.store %cast, %slots[%c0] : memref<1xmemref<8xf32>>
  // expected-remark @below {{memopt-arena: allocation left in place: its address is taken as an integer by 'memref.extract_aligned_pointer_as_index'}}
  %b = memref.alloc() : memref<8xf32>
  %p = memref.extract_aligned_pointer_as_index %b : memref<8xf32> -> index
  // expected-remark @below {{memopt-arena: allocation left in place: its address may be carried by a result of 'builtin.unrealized_conversion_cast'}}
  %d = memref.alloc() : memref<8xf32>
  %s = builtin.unrealized_conversion_cast %d : memref<8xf32> to !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  %ptr = llvm.extractvalue %s[1] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  // expected-remark @below {{memopt-arena: allocation left in place: the unregistered op 'test.keep' uses it and may keep its address}}
  %f = memref.alloc() : memref<8xf32>
  "test.keep"() ({
    %x = memref.load %f[%c0] : memref<8xf32>
    "test.yield"() : () -> ()
  }) : () -> ()
  return %p : index
}

// -----

// Deallocations of aliases go with the allocation: the arena frees it.
// CHECK-LABEL: func.func @dealloc_of_alias
// CHECK: %[[ARENA:.+]] = memref.alloc() {alignment = 16 : i64} : memref<128xi8>
// CHECK-NOT: memref.dealloc
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @dealloc_of_alias(%c: i1, %in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  %cast = memref.cast %a : memref<16xf32> to memref<16xf32, strided<[?], offset: ?>>
  memref.dealloc %cast : memref<16xf32, strided<[?], offset: ?>>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  %base, %offset, %size, %stride = memref.extract_strided_metadata %b : memref<16xf32> -> memref<f32>, index, index, index
  scf.if %c {
    memref.dealloc %base : memref<f32>
  }
  return
}

// -----

// A dealloc that may free a planned buffer or other memory can neither stay
// nor go: the buffers it may free stay out of the arena, and so do those
// that bufferization.dealloc frees.
// CHECK-LABEL: func.func @ambiguous_deallocs
// CHECK-NOT: memref.view
// CHECK: return
func.func @ambiguous_deallocs(%c: i1, %in: memref<16xf32>, %out: memref<16xf32>) {
  // expected-remark @below {{memopt-arena: allocation left in place: the 'memref.dealloc' that may free it may free another buffer}}
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %r = arith.select %c, %a, %in : memref<16xf32>
  memref.copy %r, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %r : memref<16xf32>
  // expected-remark @below {{memopt-arena: allocation left in place: it is freed by 'bufferization.dealloc'; lower it to memref.dealloc first (convert-bufferization-to-memref)}}
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  %cast = memref.cast %b : memref<16xf32> to memref<16xf32, strided<[?], offset: ?>>
  %base, %offset, %size, %stride = memref.extract_strided_metadata %cast : memref<16xf32, strided<[?], offset: ?>> -> memref<f32>, index, index, index
  bufferization.dealloc (%base : memref<f32>) if (%c)
  return
}
