// memopt-remat records the order it replaces in memopt.timelines, which the
// report draws above the rewritten body; strip-annotations=all removes it.
// RUN: memopt-opt %s --memopt-remat=budget=802 | FileCheck %s --check-prefix=IR
// RUN: memopt-opt %s --memopt-remat=budget=802 --memopt-report=width=40 -o /dev/null | FileCheck %s --check-prefix=TEXT --match-full-lines
// RUN: memopt-opt %s --memopt-remat=budget=802 --memopt-strip-annotations=all | FileCheck %s --check-prefix=STRIP

// IR: memopt.timelines = [#memopt.timeline<order = "input", steps = 5, live_bytes = [400, 800, 804, 408, 12]>]
// TEXT:   timeline input       ▄██▄▁
// TEXT-NEXT:   timeline remat  ▄█▄▄▄▁
// TEXT-NEXT:                        ^ peak at step 1
// STRIP-NOT: memopt.timelines
func.func @held_across(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %c = tosa.sigmoid %a : (tensor<100xf32>) -> tensor<100xf32>
  %s = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %u = tosa.add %t, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}
