// RUN: memopt-opt %s -split-input-file -verify-diagnostics --allow-unregistered-dialect

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

// -----

// expected-error @+1 {{remat peak 900 exceeds the budget 800}}
func.func @peak_above_budget() attributes {memopt.remat = #memopt.remat<budget_bytes = 800, input_peak_bytes = 1000, peak_bytes = 900, base_cost = 10, added_cost = 1, recomputed_ops = 1, algorithm = "greedy", status = feasible>} {
  return
}

// -----

// expected-error @+1 {{remat cost lower bound 5 exceeds the added cost 1}}
func.func @bound_above_cost() attributes {memopt.remat = #memopt.remat<budget_bytes = 800, input_peak_bytes = 1000, peak_bytes = 700, base_cost = 10, added_cost = 1, recomputed_ops = 1, algorithm = "greedy", status = feasible, cost_lower_bound = 5>} {
  return
}

// -----

// expected-error @+1 {{remat costs, counts and times must be non-negative}}
func.func @negative_cost() attributes {memopt.remat = #memopt.remat<budget_bytes = 800, input_peak_bytes = 1000, peak_bytes = 700, base_cost = -10, added_cost = 1, recomputed_ops = 1, algorithm = "greedy", status = feasible>} {
  return
}

// -----

// expected-error @+1 {{remat sizes must be non-negative}}
func.func @negative_size() attributes {memopt.remat = #memopt.remat<budget_bytes = 800, input_peak_bytes = -1, peak_bytes = 700, base_cost = 10, added_cost = 1, recomputed_ops = 1, algorithm = "greedy", status = feasible>} {
  return
}

// -----

func.func @not_a_record() {
  // expected-error @+1 {{'memopt.remat' must be a #memopt.remat attribute}}
  "test.op"() {memopt.remat = 3 : i64} : () -> ()
  return
}

// -----

func.func @on_an_op() {
  // expected-error @+1 {{'memopt.remat' describes a function and cannot be placed on this op}}
  "test.op"() {memopt.remat = #memopt.remat<budget_bytes = 800, input_peak_bytes = 1000, peak_bytes = 700, base_cost = 10, added_cost = 1, recomputed_ops = 1, algorithm = "greedy", status = feasible>} : () -> ()
  return
}
