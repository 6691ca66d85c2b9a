// RUN: memopt-opt %s --memory-schedule=time-limit=0 -verify-diagnostics -o /dev/null

// expected-error @below {{memory-schedule: time-limit must be positive seconds, or inf for no limit}}
module {
}
