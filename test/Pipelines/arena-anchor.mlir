// memopt-arena with arena-mode=alloc plans each function on its own: nested
// in a func.func pipeline it gives what it gives on the module.
// RUN: memopt-opt %s --memopt-arena -o %t.module.mlir
// RUN: memopt-opt %s --pass-pipeline="builtin.module(func.func(memopt-arena))" -o %t.nested.mlir
// RUN: diff %t.module.mlir %t.nested.mlir
// RUN: FileCheck %s < %t.nested.mlir
//
// arena-mode=arg adds size-query functions to the module: only on the module.
// RUN: memopt-opt %s --pass-pipeline="builtin.module(func.func(memopt-arena{arena-mode=arg}))" \
// RUN:   -verify-diagnostics=only-expected -o /dev/null
// RUN: memopt-opt %s --pass-pipeline="builtin.module(memopt-arena{arena-mode=arg})" \
// RUN:   | FileCheck %s --check-prefix=ARG

// CHECK-LABEL: func.func @first
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK-LABEL: func.func @second
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// ARG-LABEL: func.func @first(
// ARG-SAME: memref<128xi8>
// ARG: func.func @first_arena_size() -> index
// ARG-LABEL: func.func @second(
// ARG-SAME: memref<128xi8>
// ARG: func.func @second_arena_size() -> index
// expected-error @+1 {{memopt-arena: arena-mode=arg adds a function to the module; run it on the module, not nested in a function pipeline}}
func.func @first(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// expected-error @+1 {{memopt-arena: arena-mode=arg adds a function to the module; run it on the module, not nested in a function pipeline}}
func.func @second(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}
