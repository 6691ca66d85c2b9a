// RUN: memopt-opt %s --memory-schedule=algorithm=magic -verify-diagnostics -o /dev/null

// expected-error @below {{memory-schedule: unknown algorithm 'magic'; expected input, rpo, list, dfs, lpmf, heuristics, dp, ilp or auto}}
module {
}
