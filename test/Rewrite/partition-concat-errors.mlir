// RUN: memopt-opt %s --verify-diagnostics --memopt-partition-concat=algorithm=magic -o /dev/null
// RUN: not memopt-opt %s --memopt-partition-concat=time-limit=0 -o /dev/null 2>&1 | FileCheck %s

// RUN: not memopt-opt %s --memopt-partition-concat=effort=0 -o /dev/null 2>&1 | FileCheck %s --check-prefix=EFFORT

// CHECK: error: memopt-partition-concat: time-limit must be positive seconds, or inf for no limit
// EFFORT: error: memopt-partition-concat: the effort must be positive and finite, got 0

// expected-error @below {{memopt-partition-concat: unknown algorithm 'magic'; expected input, rpo, list, dfs, lpmf, heuristics, dp, ilp or auto}}
module {}
