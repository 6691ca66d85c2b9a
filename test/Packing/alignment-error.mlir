// RUN: memopt-opt %s --memopt-assign-offsets=alignment=3 -verify-diagnostics -o /dev/null
// RUN: memopt-opt %s --memopt-arena=alignment=0 -verify-diagnostics -o /dev/null

// expected-error-re @below {{memopt-{{assign-offsets|arena}}: alignment must be a power of two between 1 and 4294967296, got {{3|0}}}}
module {
}
