// RUN: memopt-opt %s --memopt-report -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: memopt-opt %s --memopt-report=format=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: memopt-opt %s --memory-schedule --memopt-report -o /dev/null | FileCheck %s --check-prefix=SCHEDULED

// The model places a tensor.empty right before its first user, where its
// writer allocates; bufferization allocates it where it stands. The report
// says when an empty stands ahead of other ops, so that its peak is not
// read as what bufferization of this order allocates. --memory-schedule
// places the empties, and the note goes away.

// TEXT-LABEL: memopt report for @early
// TEXT: early empties       1 tensor.empty op(s) of 1,024 B (1.0 KiB) stand ahead of other ops before their first users: bufferization allocates them there, earlier than counted here (--memory-schedule places them)
// TEXT-LABEL: memopt report for @placed
// TEXT-NOT: early empties
// JSON: "early_empties": 1
// JSON-NEXT: "early_empty_bytes": 1024
// JSON-NOT: early_empties
// SCHEDULED-NOT: early empties
func.func @early(%x: tensor<256xf32>, %z: f32) -> (tensor<256xf32>, tensor<256xf32>) {
  %e = tensor.empty() : tensor<256xf32>
  %a = math.exp %x : tensor<256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  return %a, %f : tensor<256xf32>, tensor<256xf32>
}

// Each empty right before its first user: bufferization allocates where the
// model counts.
func.func @placed(%z: f32) -> (tensor<256xf32>, tensor<256xf32>) {
  %e0 = tensor.empty() : tensor<256xf32>
  %f0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<256xf32>) -> tensor<256xf32>
  %e1 = tensor.empty() : tensor<256xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<256xf32>) -> tensor<256xf32>
  return %f0, %f1 : tensor<256xf32>, tensor<256xf32>
}
