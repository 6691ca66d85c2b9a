// RUN: memopt-opt %s --memopt-report=format=xml -verify-diagnostics -o /dev/null

// expected-error @below {{memopt-report: unknown format 'xml'; expected 'text', 'json', 'html' or 'csv'}}
module {
}
