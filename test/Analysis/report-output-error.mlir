// RUN: memopt-opt %s --memopt-report=output=%t.missing/dir/report.txt -verify-diagnostics -o /dev/null

// expected-error-re @below {{memopt-report: cannot open output file '{{.*}}report.txt': {{.*}}}}
module {
}
