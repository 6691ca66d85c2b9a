// RUN: memopt-opt %s --memopt-arena=arena-mode=heap -verify-diagnostics -o /dev/null

// expected-error @below {{memopt-arena: unknown arena-mode 'heap'; expected alloc or arg}}
module {
}
