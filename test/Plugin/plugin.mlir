// The stock mlir-opt of LLVM 22 loads memopt's dialect and passes as a plugin.
// RUN: %mlir_opt %s --load-dialect-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --load-pass-plugin=%memopt_libs/memopt-plugin%shlibext \
// RUN:   --pass-pipeline="builtin.module(memopt-annotate,memopt-report{format=json output=%t.json})" \
// RUN:   | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.json

// CHECK-LABEL: func.func @chain
// CHECK-SAME: #memopt.summary<peak_bytes = 96, resident_bytes = 32, lower_bound_bytes = 96
// CHECK: arith.negf {{.*}}memopt.lifetimes = [#memopt.lifetime<0, 1>]
// REPORT: "function": "chain"
// REPORT: "peak_bytes": 96
func.func @chain(%arg0: tensor<8xf32>) -> tensor<8xf32> {
  %0 = arith.negf %arg0 : tensor<8xf32>
  %1 = arith.addf %0, %arg0 : tensor<8xf32>
  %2 = math.exp %1 : tensor<8xf32>
  %3 = arith.mulf %2, %1 : tensor<8xf32>
  return %3 : tensor<8xf32>
}
