// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-remat=budget=802 -verify-diagnostics

// The held value comes from an op with unknown effects, which cannot run
// twice: the budget is above the floor but not reached.
// expected-error @+1 {{memopt-remat: cannot meet the budget of 802 bytes: the best peak reached is 804 bytes; the proven floor is 800 bytes; the function is left unchanged}}
func.func @not_recomputable(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = "foo.make"(%x) : (tensor<100xf32>) -> tensor<100xf32>
  %c = tosa.sigmoid %a : (tensor<100xf32>) -> tensor<100xf32>
  %s = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %u = tosa.add %t, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}
