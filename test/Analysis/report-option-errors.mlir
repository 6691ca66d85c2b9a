// Options of memopt-report that do not parse are rejected.
// RUN: not memopt-opt %s --memopt-report=top-values=-1 2>&1 | FileCheck %s --check-prefix=TOP
// RUN: not memopt-opt %s --memopt-report=top-values=4294967296 2>&1 | FileCheck %s --check-prefix=TOP
// RUN: not memopt-opt %s --memopt-report=format=yaml 2>&1 | FileCheck %s --check-prefix=FORMAT
//
// Any count parses: the report lists what there is.
// RUN: memopt-opt %s --memopt-report="top-values=4294967295 format=json" -o /dev/null | FileCheck %s --check-prefix=ALL
// RUN: memopt-opt %s --memopt-report="top-values=0 format=json" -o /dev/null | FileCheck %s --check-prefix=NONE

// TOP: value invalid for uint argument
// FORMAT: error: memopt-report: unknown format 'yaml'; expected 'text', 'json', 'html' or 'csv'
// ALL: "largest_live_at_peak": [
// ALL-NEXT: {
// NONE: "largest_live_at_peak": [],

func.func @chain(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = arith.negf %arg0 : tensor<16xf32>
  %1 = math.exp %0 : tensor<16xf32>
  return %1 : tensor<16xf32>
}
