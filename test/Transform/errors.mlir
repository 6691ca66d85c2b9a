// RUN: memopt-opt %s --split-input-file --transform-interpreter -verify-diagnostics -o /dev/null

// A pass's own error fails the transform op that applied it.
module attributes {transform.with_named_sequence} {
  // expected-error @+2 {{memory-schedule: unknown algorithm 'bogus'; expected input, rpo, list, dfs, lpmf, heuristics, dp, ilp or auto}}
  // expected-note @+1 {{target op}}
  func.func @chosen(%x: tensor<100xf32>) -> tensor<100xf32> {
    %0 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
    return %0 : tensor<100xf32>
  }
  transform.named_sequence @__transform_main(%module: !transform.any_op {transform.readonly}) {
    %chosen = transform.structured.match ops{["func.func"]} in %module : (!transform.any_op) -> !transform.any_op
    // expected-error @+1 {{pass pipeline failed}}
    %0 = transform.apply_registered_pass "memory-schedule" with options = {algorithm = "bogus"} to %chosen
      : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// The report runs on a module, not on a function.
module attributes {transform.with_named_sequence} {
  // expected-error @+2 {{'func.func' op trying to schedule pass 'MemOptReport' on an unsupported operation}}
  // expected-note @+1 {{target op}}
  func.func @chosen(%x: tensor<100xf32>) -> tensor<100xf32> {
    %0 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
    return %0 : tensor<100xf32>
  }
  transform.named_sequence @__transform_main(%module: !transform.any_op {transform.readonly}) {
    %chosen = transform.structured.match ops{["func.func"]} in %module : (!transform.any_op) -> !transform.any_op
    // expected-error @+1 {{pass pipeline failed}}
    %0 = transform.apply_registered_pass "memopt-report" to %chosen
      : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
