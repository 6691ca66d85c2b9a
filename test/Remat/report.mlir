// RUN: memopt-opt %s --memopt-remat="budget=500 reorder=false" --memopt-report -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: memopt-opt %s --memopt-remat=budget=500 --memopt-report=format=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: memopt-opt %s --memopt-remat="budget=500 record-times=true" --memopt-report -o /dev/null | FileCheck %s --check-prefix=TIME
// RUN: memopt-opt %s --memopt-remat="budget=500 record-times=true" | FileCheck %s --check-prefix=ATTR
// RUN: memopt-opt %s --memopt-report -o /dev/null | FileCheck %s --check-prefix=STALE

// The report shows what memopt-remat recorded: budget, peaks, base and added
// cost, recomputed ops, status and the proven bound on the added cost; the
// solver time only with record-times=true, so that output stays identical
// run to run.
// TEXT-LABEL: memopt report for @interleaved
// TEXT:      remat budget        500 B
// TEXT-NEXT: remat peak          given order 804 B, after remat 408 B
// TEXT-NEXT: remat cost          base 401, added 200 (49.875%), 2 ops recomputed
// TEXT-NEXT: remat status        greedy, optimal, added cost at least 200{{$}}

// With reordering, nothing needs recomputing.
// JSON:      "remat": {
// JSON-NEXT:   "added_cost": 0,
// JSON-NEXT:   "added_cost_percent": 0,
// JSON-NEXT:   "algorithm": "greedy",
// JSON-NEXT:   "base_cost": 401,
// JSON-NEXT:   "budget_bytes": 500,
// JSON-NEXT:   "cost_lower_bound": 0,
// JSON-NEXT:   "input_peak_bytes": 804,
// JSON-NEXT:   "peak_bytes": 408,
// JSON-NEXT:   "recomputed_ops": 0,
// JSON-NEXT:   "reordered_peak_bytes": 408,
// JSON-NEXT:   "status": "optimal"
// JSON-NEXT: },

// TIME: remat status        greedy, optimal, added cost at least 0, {{[0-9]+\.[0-9]+}} s
// ATTR: memopt.remat = #memopt.remat<{{.*}}, solve_time_us = {{[0-9]+}}>

func.func @interleaved(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %ra = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %rb = tosa.reduce_sum %b {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %s = tosa.add %ra, %rb : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %s : tensor<1xf32>
}

// A record whose peak is not the body's no longer describes it (the body
// changed since) and is not reported.
// STALE-LABEL: memopt report for @stale
// STALE-NOT: remat
// STALE: model
func.func @stale(%x: tensor<100xf32>) -> tensor<100xf32> attributes {memopt.remat = #memopt.remat<budget_bytes = 500, input_peak_bytes = 804, peak_bytes = 8, base_cost = 1, added_cost = 0, recomputed_ops = 0, algorithm = "greedy", status = optimal>} {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  return %a : tensor<100xf32>
}
