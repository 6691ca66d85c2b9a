// RUN: memopt-opt %s -split-input-file --memopt-assign-offsets=algorithm=magic -verify-diagnostics -o /dev/null

// expected-error @below {{memopt-assign-offsets: unknown algorithm 'magic'; expected size-best-fit, start-best-fit, conflicts, best, exact or auto}}
module {
}
