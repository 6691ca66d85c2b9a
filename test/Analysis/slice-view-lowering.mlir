// The memory model counts tosa.slice as a view of its input (no bytes); that
// holds for the lowering memopt's tests use: tosa-to-tensor makes it a
// tensor.extract_slice, and one-shot bufferization a memref.subview of the
// input's buffer. Only the two clamps allocate.
// RUN: memopt-opt %s --tosa-to-linalg-pipeline --tosa-to-arith --tosa-to-tensor \
// RUN:   --one-shot-bufferize=bufferize-function-boundaries | FileCheck %s

// CHECK-LABEL: func.func @shifted_slice
// CHECK: %[[RELU:.*]] = memref.alloc() {{.*}} : memref<1x8x8x4xf32>
// CHECK-NOT: memref.alloc
// CHECK: memref.subview %[[RELU]][0, 1, 1, 0] [1, 7, 7, 4] [1, 1, 1, 1]
// CHECK: memref.alloc() {{.*}} : memref<1x7x7x4xf32>
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @shifted_slice(%a: tensor<1x8x8x4xf32>) -> tensor<1x7x7x4xf32> {
  %x = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %start = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 7, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.slice %x, %start, %size : (tensor<1x8x8x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x7x7x4xf32>) -> tensor<1x7x7x4xf32>
  return %r : tensor<1x7x7x4xf32>
}
