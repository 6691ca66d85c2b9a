// RUN: memopt-opt %s --verify-diagnostics --memopt-partition-concat=algorithm=magic -o /dev/null
// RUN: not memopt-opt %s --memopt-partition-concat=time-limit=0 -o /dev/null 2>&1 | FileCheck %s

// CHECK: error: memopt-partition-concat: time-limit must be positive seconds, or inf for no limit

// expected-error @below {{memopt-partition-concat: unknown algorithm 'magic'; expected input, rpo, list, dfs, lpmf, heuristics, dp, ilp or auto}}
module {}
