// RUN: memopt-opt %s -split-input-file -verify-diagnostics

func.func @negative_cost(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'memopt.cost' must be a non-negative integer}}
  %a = tosa.exp %x {memopt.cost = -1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

func.func @bad_origin(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'memopt.recomputed_from' must be a non-negative integer}}
  %a = tosa.exp %x {memopt.recomputed_from = "a"} : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}
