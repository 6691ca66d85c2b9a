// RUN: memopt-opt %s -split-input-file --memopt-assign-offsets=alignment=1 | FileCheck %s
// RUN: memopt-opt %s -split-input-file --memopt-assign-offsets="alignment=1 in-place=true" | FileCheck %s --check-prefix=INPLACE
// RUN: memopt-opt %s -split-input-file --memopt-assign-offsets=alignment=64 | FileCheck %s --check-prefix=ALIGN

// A chain: each value lives two steps, so two buffers of 400 bytes
// alternate and the arena meets the max-live bound of 800. With in-place
// reuse every elementwise op overwrites its dying operand: one buffer.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: peak_bytes = 800
// CHECK-SAME: arena_bytes = 800
// CHECK-SAME: arena_status = optimal
// CHECK: tosa.exp {{.*}}memopt.buffers = [#memopt.buffer<[[O0:[0-9]+]], 400>]
// CHECK: tosa.sigmoid {{.*}}memopt.buffers = [#memopt.buffer<[[O1:[0-9]+]], 400>]
// CHECK: tosa.tanh {{.*}}memopt.buffers = [#memopt.buffer<[[O0]], 400>]
// INPLACE-LABEL: func.func @chain
// INPLACE-SAME: peak_bytes = 400
// INPLACE-SAME: arena_bytes = 400
// INPLACE: tosa.sigmoid {{.*}}memopt.buffers = [#memopt.buffer<0, 400>]
// INPLACE: tosa.tanh {{.*}}memopt.buffers = [#memopt.buffer<0, 400>]
// ALIGN-LABEL: func.func @chain
// ALIGN-SAME: arena_bytes = 848
// ALIGN: memopt.buffers = [#memopt.buffer<{{0|448}}, 400, 64>]
func.func @chain(%x: tensor<100xf32>) -> tensor<100xf32> {
  %0 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %1 = tosa.sigmoid %0 : (tensor<100xf32>) -> tensor<100xf32>
  %2 = tosa.tanh %1 : (tensor<100xf32>) -> tensor<100xf32>
  return %2 : tensor<100xf32>
}
