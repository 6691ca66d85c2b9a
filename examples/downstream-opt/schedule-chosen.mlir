// A transform library: schedule and plan the function @two_branches only,
// then report on the module. Run it with
//   downstream-opt example.mlir \
//     --transform-preload-library=transform-library-paths=schedule-chosen.mlir \
//     --transform-interpreter
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%module: !transform.any_op {transform.consumed}) {
    %chosen = transform.structured.match ops{["func.func"]} attributes{sym_name = "two_branches"} in %module
      : (!transform.any_op) -> !transform.any_op
    %scheduled = transform.apply_registered_pass "memory-schedule" with options = {algorithm = "dp"} to %chosen
      : (!transform.any_op) -> !transform.any_op
    %planned = transform.apply_registered_pass "memopt-assign-offsets" to %scheduled
      : (!transform.any_op) -> !transform.any_op
    %reported = transform.apply_registered_pass "memopt-report" to %module
      : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
