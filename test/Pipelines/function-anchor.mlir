// memopt's per-function passes run on a module (from the command line, as
// before) and nested in a func.func pipeline (where the pass manager runs
// functions in parallel), with the same result, threaded or not.
//
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-annotate --memory-schedule \
// RUN:   --memopt-assign-offsets --memopt-remat=budget-ratio=1.0 -verify-diagnostics > %t.module.mlir
// RUN: memopt-opt %s --allow-unregistered-dialect -verify-diagnostics \
// RUN:   --pass-pipeline="builtin.module(func.func(memopt-annotate,memory-schedule,memopt-assign-offsets,memopt-remat{budget-ratio=1.0}))" \
// RUN:   > %t.nested.mlir
// RUN: memopt-opt %s --allow-unregistered-dialect -verify-diagnostics --mlir-disable-threading \
// RUN:   --pass-pipeline="builtin.module(func.func(memopt-annotate,memory-schedule,memopt-assign-offsets,memopt-remat{budget-ratio=1.0}))" \
// RUN:   > %t.serial.mlir
// RUN: diff %t.module.mlir %t.nested.mlir
// RUN: diff %t.module.mlir %t.serial.mlir
// RUN: FileCheck %s < %t.nested.mlir
//
// The memopt-plan pipeline nests too, and the module-level report reads the
// result.
// RUN: memopt-opt %s --allow-unregistered-dialect -verify-diagnostics \
// RUN:   --pass-pipeline="builtin.module(func.func(memopt-plan),memopt-report)" -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=REPORT
//
// The stock mlir-opt with the plugin takes the same nested pipeline.
// RUN: %mlir_opt %s --allow-unregistered-dialect -verify-diagnostics \
// RUN:   --load-dialect-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --load-pass-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --pass-pipeline="builtin.module(func.func(memopt-annotate,memory-schedule,memopt-assign-offsets,memopt-remat{budget-ratio=1.0}))" \
// RUN:   > %t.plugin.mlir
// RUN: diff %t.module.mlir %t.plugin.mlir

// CHECK-LABEL: func.func @two_branches
// CHECK-SAME: peak_bytes = 408
// CHECK: %[[A1:.+]] = tosa.exp
// CHECK-NEXT: tosa.reduce_sum %[[A1]]
// CHECK-NEXT: tosa.sigmoid
// REPORT: memopt report for @two_branches
// REPORT: schedule saves 49.3%
func.func @two_branches(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}

// A function memopt cannot model warns, whichever thread handles it, and
// the others go on.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: memopt.
// REPORT: memopt report for @dynamic
// REPORT: cannot be modelled
func.func @dynamic(%arg0: tensor<4xf32>) -> tensor<?xf32> {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'tensor<?xf32>': it has a dynamic shape; the function is left unchanged}}
  %0 = "test.dyn"(%arg0) : (tensor<4xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// CHECK-LABEL: func.func @calls
// CHECK-SAME: memopt.summary
// REPORT: memopt report for @calls
func.func @calls(%x: tensor<100xf32>) -> tensor<1xf32> {
  %0 = func.call @two_branches(%x) : (tensor<100xf32>) -> tensor<1xf32>
  %1 = tosa.exp %0 : (tensor<1xf32>) -> tensor<1xf32>
  return %1 : tensor<1xf32>
}

// Declarations have no body to plan.
// CHECK: func.func private @external
func.func private @external(tensor<4xf32>) -> tensor<4xf32>
