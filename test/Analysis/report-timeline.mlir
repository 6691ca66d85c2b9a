// The text report ends each function with its live bytes in block
// characters, one column per step or the largest of a bucket of steps, the
// peak marked; `width=` (else $COLUMNS, else 80) sets the report's width, of
// which the label takes 24 columns.
// RUN: memopt-opt %s --allow-unregistered-dialect --memopt-report=width=32 -o /dev/null | FileCheck %s --check-prefix=W32 --match-full-lines
// RUN: env COLUMNS=32 memopt-opt %s --allow-unregistered-dialect --memopt-report -o /dev/null | FileCheck %s --check-prefix=W32 --match-full-lines
// RUN: env -u COLUMNS memopt-opt %s --allow-unregistered-dialect --memopt-report -o /dev/null | FileCheck %s --check-prefix=WIDE --match-full-lines
//
// After a schedule, the input order is drawn above the current one on the
// same scale.
// RUN: memopt-opt %s --allow-unregistered-dialect --memory-schedule=pure-dialects=test --memopt-report=width=40 -o /dev/null | FileCheck %s --check-prefix=SCHED --match-full-lines

// 16 steps in 8 columns: the peak (1,024 B at step 8) in column 4.
// W32-LABEL: memopt report for @ramp
// W32:   timeline             ▂▄▆██▇▅▃
// W32-NEXT:                            ^ peak at step 8
// WIDE-LABEL: memopt report for @ramp
// WIDE:   timeline             ▁▂▃▄▅▆▇███▇▆▅▄▃▂
// WIDE-NEXT:                                ^ peak at step 8

// SCHED-LABEL: memopt report for @two_branches
// SCHED:   timeline input       ▄██▄▁
// SCHED-NEXT:   timeline rpo         ▄▄▄▄▁
// SCHED-NEXT:                          ^ peak at step 3
func.func @ramp(%x: tensor<16xf32>) -> tensor<16xf32> {
  %v0 = "test.op"(%x) : (tensor<16xf32>) -> tensor<16xf32>
  %v1 = "test.op"(%v0) : (tensor<16xf32>) -> tensor<32xf32>
  %v2 = "test.op"(%v1) : (tensor<32xf32>) -> tensor<48xf32>
  %v3 = "test.op"(%v2) : (tensor<48xf32>) -> tensor<64xf32>
  %v4 = "test.op"(%v3) : (tensor<64xf32>) -> tensor<80xf32>
  %v5 = "test.op"(%v4) : (tensor<80xf32>) -> tensor<96xf32>
  %v6 = "test.op"(%v5) : (tensor<96xf32>) -> tensor<112xf32>
  %v7 = "test.op"(%v6) : (tensor<112xf32>) -> tensor<128xf32>
  %v8 = "test.op"(%v7) : (tensor<128xf32>) -> tensor<128xf32>
  %v9 = "test.op"(%v8) : (tensor<128xf32>) -> tensor<112xf32>
  %v10 = "test.op"(%v9) : (tensor<112xf32>) -> tensor<96xf32>
  %v11 = "test.op"(%v10) : (tensor<96xf32>) -> tensor<80xf32>
  %v12 = "test.op"(%v11) : (tensor<80xf32>) -> tensor<64xf32>
  %v13 = "test.op"(%v12) : (tensor<64xf32>) -> tensor<48xf32>
  %v14 = "test.op"(%v13) : (tensor<48xf32>) -> tensor<32xf32>
  %v15 = "test.op"(%v14) : (tensor<32xf32>) -> tensor<16xf32>
  return %v15 : tensor<16xf32>
}

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

