// RUN: memopt-opt %s --memopt-assign-offsets=time-limit=-1 -verify-diagnostics -o /dev/null
// RUN: memopt-opt %s --memopt-arena=time-limit=0 -verify-diagnostics -o /dev/null

// expected-error-re @below {{memopt-{{assign-offsets|arena}}: time-limit must be positive}}
module {
}
