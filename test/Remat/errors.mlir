// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-remat=budget=799 -verify-diagnostics
// RUN: not memopt-opt %s --allow-unregistered-dialect --memopt-remat=algorithm=bogus 2>&1 | FileCheck %s --check-prefix=ALGO
// RUN: not memopt-opt %s --allow-unregistered-dialect --memopt-remat 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not memopt-opt %s --allow-unregistered-dialect --memopt-remat="budget=10 budget-ratio=0.5" 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not memopt-opt %s --allow-unregistered-dialect --memopt-remat=budget=-5 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not memopt-opt %s --allow-unregistered-dialect --memopt-remat=budget-ratio=1.5 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not memopt-opt %s --allow-unregistered-dialect --memopt-remat=budget-ratio=-0.5 2>&1 | FileCheck %s --check-prefix=BUDGET

// ALGO: memopt-remat: unknown algorithm 'bogus'; expected greedy, search, exact or auto
// BUDGET: memopt-remat: give exactly one of budget (bytes, positive) and budget-ratio (0 < ratio <= 1)

// Below the working set of one op: proven infeasible, nothing changes.
// expected-error @+1 {{memopt-remat: cannot meet the budget of 799 bytes: one op needs 800 bytes (proven floor); the function is left unchanged}}
func.func @below_floor(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %c = tosa.sigmoid %a : (tensor<100xf32>) -> tensor<100xf32>
  %s = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %u = tosa.add %t, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}

// -----

// Returned values are live together at the end, whatever is recomputed.
// expected-error @+1 {{memopt-remat: cannot meet the budget of 799 bytes: the returned values need 800 bytes (proven floor); the function is left unchanged}}
func.func @returned_together(%x: tensor<100xf32>) -> (tensor<100xf32>, tensor<100xf32>) {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  return %a, %b : tensor<100xf32>, tensor<100xf32>
}
