// A transform library for apply-registered-pass.mlir: plan the function
// @chosen, leave the others, then report on the whole payload module.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%module: !transform.any_op {transform.consumed}) {
    %chosen = transform.structured.match ops{["func.func"]} attributes{sym_name = "chosen"} in %module
      : (!transform.any_op) -> !transform.any_op
    %scheduled = transform.apply_registered_pass "memory-schedule" to %chosen
      : (!transform.any_op) -> !transform.any_op
    %planned = transform.apply_registered_pass "memopt-assign-offsets" with options = {alignment = 16 : i64} to %scheduled
      : (!transform.any_op) -> !transform.any_op
    %reported = transform.apply_registered_pass "memopt-report" with options = {format = "json"} to %module
      : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
