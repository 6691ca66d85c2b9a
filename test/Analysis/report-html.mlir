// The HTML, CSV and JSON reports of the same pipeline agree: one well-formed
// timeline per modelled function, the marked peak is peak_bytes, the arena
// map fits in arena_bytes, the CSV peaks at peak_bytes.
// RUN: memopt-opt %s --memory-schedule --memopt-assign-offsets -mlir-print-debuginfo -o %t.mlir 2>/dev/null
// RUN: memopt-opt %t.mlir --memopt-report="format=json output=%t.json" -o /dev/null 2>/dev/null
// RUN: memopt-opt %t.mlir --memopt-report="format=html output=%t.html" -o /dev/null 2>/dev/null
// RUN: memopt-opt %t.mlir --memopt-report="format=csv output=%t.csv" -o /dev/null 2>/dev/null
// RUN: %python %S/Inputs/check-report.py --json %t.json --html %t.html --csv %t.csv | FileCheck %s
// RUN: FileCheck %s --check-prefix=CSV < %t.csv
// RUN: FileCheck %s --check-prefix=HTML < %t.html
//
// Without the schedule there is no earlier order and no arena.
// RUN: memopt-opt %s --memopt-report="format=json output=%t.input.json" -o /dev/null 2>/dev/null
// RUN: memopt-opt %s --memopt-report=format=html -o /dev/null 2>/dev/null > %t.input.html
// RUN: %python %S/Inputs/check-report.py --json %t.input.json --html %t.input.html | FileCheck %s --check-prefix=INPUT

// The schedule finishes one branch before starting the other: 408 bytes
// instead of the input order's 804, drawn on the same axes.
// CHECK: @two_branches: peak 408 orders input,rpo arena 516 buffers 5
// CHECK: @empty: peak 0 orders {{$}}
// CHECK: html ok: 2 timelines
// CHECK: csv ok: 5 rows
// INPUT: @two_branches: peak 804 orders input{{$}}
// INPUT: html ok: 2 timelines

// CSV: function,step,op,location,live_bytes_before,live_bytes,live_bytes_after
// CSV-NEXT: two_branches,0,tosa.exp,{{.*}}report-html.mlir:[[# @LINE + 13]]:9,0,400,400
// CSV-NEXT: two_branches,1,tosa.reduce_sum,{{.*}},400,404,4
// CSV-NEXT: two_branches,2,tosa.sigmoid,{{.*}},4,404,404
// CSV-NEXT: two_branches,3,tosa.reduce_sum,{{.*}},404,408,8
// CSV-NEXT: two_branches,4,tosa.add,{{.*}},8,12,4
// CSV-NOT: dynamic

// HTML: <pre class="numbers">memopt report for @two_branches
// HTML: input-order peak    804 B (schedule saves 49.3%)
// HTML: <p class="skipped">skipped: cannot be modelled (see the warning)</p>
// HTML-NOT: <script

func.func @two_branches(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}

func.func @empty(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = tosa.exp %x : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
