// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report=format=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report="format=json pure-dialects=mhlo" -o /dev/null | FileCheck %s --check-prefix=PURE
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report="output=%t.json format=json" -o /dev/null && FileCheck %s --check-prefix=JSON < %t.json

// TEXT-LABEL: memopt report for @chain
// TEXT-NEXT:   ops                 3
// TEXT-NEXT:   activation peak     1,536 B (1.5 KiB) at step 1 (mhlo.exponential)
// TEXT-NEXT:   lower bound         1,536 B (1.5 KiB) (working set of one op and the values every order keeps live across it)
// TEXT-NEXT:   resident            2,048 B (2.0 KiB) (arguments, constants, globals)
// TEXT-NEXT:   barriers            3 mhlo ops keep their order (not in pure-dialects): the bound and 'optimal' hold among such orders
// TEXT-NEXT:   model               no in-place reuse
// TEXT-NEXT:   largest live values at the peak:
// Values are named by where the input defines them, with the name a NameLoc
// carries.
// TEXT-NEXT:     1,024 B  exp@model.py:7:3 {{ *}}mhlo.exponential {{ *}}steps 1..2
// TEXT-NEXT:       512 B  {{.*}}report.mlir:[[# @LINE + 16]]:8 {{ *}}mhlo.add {{ *}}steps 0..1

// JSON:      "barrier_ops": {
// JSON-NEXT:   "mhlo": 3
// JSON:      "function": "chain",
// JSON:      "lower_bound_bytes": 1536,
// JSON-NEXT: "ops": 3,
// JSON-NEXT: "peak_bytes": 1536,
// JSON-NEXT: "peak_op": "mhlo.exponential",
// JSON-NEXT: "peak_step": 1,
// JSON-NEXT: "resident_bytes": 2048

// PURE: "assumed_pure_dialects": [
// PURE-NEXT: "mhlo"
// PURE: "barrier_ops": {}
func.func @chain(%arg0: tensor<128xf32>, %arg1: tensor<384xf32>) -> tensor<64xf32> {
  %0 = "mhlo.add"(%arg0, %arg0) : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
  %1 = "mhlo.exponential"(%0) : (tensor<128xf32>) -> tensor<256xf32> loc("exp"("model.py":7:3))
  %2 = "mhlo.reduce_thing"(%1) : (tensor<256xf32>) -> tensor<64xf32>
  return %2 : tensor<64xf32>
}

// A function whose caller allocates its results: the returned gradient is
// resident (512 B): the peak is the mul's result, 512 B, not 1 KiB.
// TEXT-LABEL: memopt report for @gradient
// TEXT:         activation peak     512 B at step 0 (arith.mulf)
// TEXT:         resident            1,024 B (1.0 KiB) (arguments, constants, globals, results the caller allocates)
// JSON:      "caller_allocated_results": true,
// JSON:      "function": "gradient",
func.func @gradient(%x: tensor<128xf32>) -> tensor<128xf32> attributes {memopt.caller_allocated_results} {
  %0 = arith.mulf %x, %x : tensor<128xf32>
  %1 = arith.addf %0, %x : tensor<128xf32>
  return %1 : tensor<128xf32>
}
