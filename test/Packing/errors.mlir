// RUN: memopt-opt %s -split-input-file --memopt-assign-offsets=algorithm=magic -verify-diagnostics -o /dev/null
// RUN: memopt-opt %s -split-input-file --memopt-arena=algorithm=magic -verify-diagnostics -o /dev/null

// expected-error-re @below {{memopt-{{assign-offsets|arena}}: unknown algorithm 'magic'; expected size-best-fit, start-best-fit, conflicts, best, exact or auto}}
module {
}
