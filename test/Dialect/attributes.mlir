// RUN: memopt-opt %s | FileCheck %s
// RUN: memopt-opt %s | memopt-opt | FileCheck %s

// CHECK-LABEL: func.func @round_trip
// CHECK-SAME: memopt.summary = #memopt.summary<peak_bytes = 192, resident_bytes = 64, lower_bound_bytes = 128, algorithm = "dp", status = optimal, input_peak_bytes = 256, segments = 2, optimal_segments = 2, arena_bytes = 192, arena_algorithm = "best", arena_status = feasible, in_place = true>
func.func @round_trip(%arg0: tensor<16xf32>) -> tensor<16xf32> attributes {
    memopt.summary = #memopt.summary<peak_bytes = 192, resident_bytes = 64,
      lower_bound_bytes = 128, algorithm = "dp", status = optimal,
      input_peak_bytes = 256, segments = 2, optimal_segments = 2,
      arena_bytes = 192, arena_algorithm = "best", arena_status = feasible,
      in_place = true>} {
  // CHECK: arith.constant {memopt.resident}
  %c = arith.constant {memopt.resident} dense<1.0> : tensor<16xf32>
  // CHECK: memopt.buffers = [#memopt.buffer<0, 64>]
  // CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<1, 2>]
  // CHECK-SAME: memopt.sizes = array<i64: 64>
  %0 = arith.addf %arg0, %c {memopt.lifetimes = [#memopt.lifetime<1, 2>],
                              memopt.sizes = array<i64: 64>,
                              memopt.buffers = [#memopt.buffer<0, 64, 1>]} : tensor<16xf32>
  // CHECK: memopt.buffers = [#memopt.buffer<64, 64, 64>]
  %1 = arith.mulf %0, %0 {memopt.buffers = [#memopt.buffer<64, 64, 64>]} : tensor<16xf32>
  return %1 : tensor<16xf32>
}

// Unsigned arena sizes are read as unsigned: 200 : ui8 is not -56.
// CHECK-LABEL: func.func @unsigned_arena_size
// CHECK-SAME: memopt.arena_size = 200 : ui8
func.func @unsigned_arena_size(%arena: memref<200xi8>) attributes {memopt.arena_size = 200 : ui8} {
  return
}

// CHECK-LABEL: func.func @largest_arena_size
// CHECK-SAME: memopt.arena_size = 9223372036854775807 : ui64
func.func @largest_arena_size(%arena: memref<64xi8>) attributes {memopt.arena_size = 9223372036854775807 : ui64} {
  return
}

// The last byte a buffer may end at.
// CHECK-LABEL: func.func @buffer_at_the_end
// CHECK-SAME: x = #memopt.buffer<9223372036854775744, 63, 64>
func.func @buffer_at_the_end() attributes {x = #memopt.buffer<9223372036854775744, 63, 64>} {
  return
}

// Timelines of earlier orders, one bucket per step or fewer.
// CHECK-LABEL: func.func @timelines
// CHECK-SAME: memopt.timelines = [#memopt.timeline<order = "input", steps = 3, live_bytes = [512, 1536, 1280]>, #memopt.timeline<order = "dp", steps = 1000, live_bytes = [7, 0]>]
func.func @timelines() attributes {memopt.timelines = [
    #memopt.timeline<order = "input", steps = 3, live_bytes = [512, 1536, 1280]>,
    #memopt.timeline<order = "dp", steps = 1000, live_bytes = [7, 0]>]} {
  return
}

// One-shot bufferization rebuilds a linalg op on memrefs with its attributes:
// the annotation of result i then describes init i, the buffer it writes.
// CHECK-LABEL: func.func @bufferized_destination
// CHECK: linalg.generic
// CHECK-SAME: memopt.buffers = [#memopt.buffer<0, 64>]
// CHECK-SAME: memopt.lifetimes = [#memopt.lifetime<1, 2>]
// CHECK-SAME: memopt.sizes = array<i64: 64>
func.func @bufferized_destination(%in: memref<16xf32>, %out: memref<16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%in : memref<16xf32>) outs(%out : memref<16xf32>)
      attrs = {memopt.lifetimes = [#memopt.lifetime<1, 2>],
               memopt.sizes = array<i64: 64>,
               memopt.buffers = [#memopt.buffer<0, 64, 1>]} {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}

// An annotation whose count differs from the op's values is stale: a later
// transformation rebuilt the op with its attributes and other results (here a
// loop whose results canonicalization dropped). It is kept, and memopt's
// readers ignore it.
// CHECK-LABEL: func.func @stale_annotations
// CHECK: scf.for
// CHECK: memopt.buffers = [#memopt.buffer<0, 64>], memopt.lifetimes = [#memopt.lifetime<1, 2>, #memopt.lifetime<2, 3>]
func.func @stale_annotations(%buffer: memref<16xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %zero = arith.constant 0.0 : f32
    memref.store %zero, %buffer[%i] : memref<16xf32>
  } {memopt.buffers = [#memopt.buffer<0, 64, 1>],
     memopt.lifetimes = [#memopt.lifetime<1, 2>, #memopt.lifetime<2, 3>]}
  return
}
