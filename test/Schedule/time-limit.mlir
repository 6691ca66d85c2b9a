// RUN: memopt-opt %s --memory-schedule=time-limit=0 -verify-diagnostics -o /dev/null

// expected-error @below {{memory-schedule: time-limit and memory-limit-mb must be positive}}
module {
}
