// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-annotate -verify-diagnostics | FileCheck %s

// Functions memopt cannot model get a warning naming the op and the reason,
// and stay unchanged.

// CHECK-LABEL: func.func @dynamic_result
// CHECK-NOT: memopt.
func.func @dynamic_result(%arg0: tensor<4xf32>) -> tensor<?xf32> {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'tensor<?xf32>': it has a dynamic shape; the function is left unchanged}}
  %0 = "test.dyn"(%arg0) : (tensor<4xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @unranked_argument
// CHECK-NOT: memopt.
// expected-warning @+1 {{memopt cannot model argument #1 of type 'tensor<*xf32>': it is unranked; the function is left unchanged}}
func.func @unranked_argument(%arg0: tensor<4xf32>, %arg1: tensor<*xf32>) -> tensor<4xf32> {
  %0 = arith.addf %arg0, %arg0 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @overflow
// CHECK-NOT: memopt.
func.func @overflow() {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'tensor<4294967296x4294967296xf32>': it has a size that overflows 64 bits; the function is left unchanged}}
  %0 = "test.huge"() : () -> tensor<4294967296x4294967296xf32>
  return
}

// -----

// CHECK-LABEL: func.func @multi_block
// CHECK-NOT: memopt.
// expected-warning @+1 {{memopt models single-block function bodies; this one has 2 blocks and is left unchanged}}
func.func @multi_block(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^bb1
^bb1:
  return %arg0 : tensor<4xf32>
}

// -----

// Other functions of the module are still annotated.
// CHECK-LABEL: func.func @skipped
// CHECK-NOT: memopt.summary
func.func @skipped(%arg0: memref<4xf32>) {
  // expected-warning @+1 {{memopt cannot model result #0 of type 'memref<?xf32>': it has a dynamic shape}}
  %0 = "test.alloc"() : () -> memref<?xf32>
  return
}
// CHECK-LABEL: func.func @annotated
// CHECK-SAME: memopt.summary
func.func @annotated() {
  %0 = "test.alloc"() : () -> memref<4xf32>
  return
}

// -----

// Sizes that each fit but add up to more than 2^62 bytes are refused: every sum
// of sizes in memopt then fits.
// CHECK-LABEL: func.func @sum_overflow
// CHECK-NOT: memopt.
func.func @sum_overflow() {
  // expected-warning @+1 {{memopt cannot model this function: the sizes of its values add up to more than 2^62 bytes; the function is left unchanged}}
  %0:16 = "test.big"() : () -> (tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>, tensor<576460752303423488xi8>)
  return
}

// -----

// A graph region has no order to keep or improve.
// CHECK-LABEL: ml_program.subgraph @graph_region
// CHECK-NOT: memopt.
// expected-warning @+1 {{memopt models SSA-ordered function bodies; this one is a graph region, whose operations have no order, and is left unchanged}}
ml_program.subgraph @graph_region(%arg0: tensor<64xf32>) -> tensor<64xf32> {
  %0 = arith.addf %1, %1 : tensor<64xf32>
  %1 = arith.mulf %arg0, %arg0 : tensor<64xf32>
  ml_program.output %0 : tensor<64xf32>
}
