// RUN: memopt-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{lifetime start 5 is after its end 3}}
func.func @start_after_end() attributes {x = #memopt.lifetime<5, 3>} {
  return
}

// -----

// expected-error @+1 {{lifetime start must be non-negative, got -1}}
func.func @negative_start() attributes {x = #memopt.lifetime<-1, 3>} {
  return
}

// -----

// expected-error @+1 {{buffer offset 6 is not a multiple of its alignment 4}}
func.func @misaligned() attributes {x = #memopt.buffer<6, 16, 4>} {
  return
}

// -----

// expected-error @+1 {{buffer size must be non-negative, got -4}}
func.func @negative_size() attributes {x = #memopt.buffer<0, -4>} {
  return
}

// -----

// expected-error @+1 {{buffer alignment must be a positive power of two, got 3}}
func.func @bad_alignment() attributes {x = #memopt.buffer<0, 4, 3>} {
  return
}

// -----

// expected-error @+1 {{summary lower bound 300 exceeds the peak 200}}
func.func @bound_above_peak() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 300, algorithm = "input", status = feasible>} {
  return
}

// -----

// expected-error @+1 {{summary has more optimal segments than segments}}
func.func @segments() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "dp", status = feasible, segments = 1, optimal_segments = 2>} {
  return
}

// -----

func.func @summary_on_op(%a: f32) -> f32 {
  // expected-error @+1 {{'memopt.summary' describes a function and cannot be placed on this op}}
  %0 = arith.addf %a, %a {memopt.summary = #memopt.summary<peak_bytes = 0, resident_bytes = 0, lower_bound_bytes = 0, algorithm = "input", status = optimal>} : f32
  return %0 : f32
}

// -----

func.func @sizes_on_bufferized_op(%in: memref<16xf32>, %out: memref<16xf32>) {
  // expected-error @+1 {{'memopt.sizes' gives 32 bytes for 'memref<16xf32>', which takes 64 bytes}}
  linalg.copy {memopt.sizes = array<i64: 32>}
      ins(%in : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

func.func @sizes_negative(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'memopt.sizes' must be non-negative}}
  %0 = arith.addf %a, %a {memopt.sizes = array<i64: -16>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @lifetimes_wrong_kind(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'memopt.lifetimes' must be an array of #memopt.lifetime attributes}}
  %0 = arith.addf %a, %a {memopt.lifetimes = [#memopt.buffer<0, 16>]} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @size_mismatch(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'memopt.sizes' gives 12 bytes for 'tensor<4xf32>', which takes 16 bytes}}
  %0 = arith.addf %a, %a {memopt.sizes = array<i64: 12>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @buffer_too_small(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{buffer of 8 bytes cannot hold 'tensor<4xf32>' (16 bytes)}}
  %0 = arith.addf %a, %a {memopt.buffers = [#memopt.buffer<0, 8>]} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @resident_not_unit(%a: f32) -> f32 {
  // expected-error @+1 {{'memopt.resident' must be a unit attribute}}
  %0 = arith.addf %a, %a {memopt.resident = 1 : i32} : f32
  return %0 : f32
}

// -----

func.func @unknown_attribute(%a: f32) -> f32 {
  // expected-error @+1 {{has unknown memopt attribute 'memopt.bogus'}}
  %0 = arith.addf %a, %a {memopt.bogus} : f32
  return %0 : f32
}

// -----

// expected-error @+1 {{buffer end 9223372036854775807 + 9223372036854775807 overflows 64 bits}}
func.func @buffer_end_overflows() attributes {x = #memopt.buffer<9223372036854775807, 9223372036854775807>} {
  return
}

// -----

// expected-error @+1 {{buffer end 9223372036854775744 + 64 overflows 64 bits}}
func.func @aligned_buffer_end_overflows() attributes {x = #memopt.buffer<9223372036854775744, 64, 64>} {
  return
}

// -----

// expected-error @+1 {{summary segment counts must be non-negative}}
func.func @negative_segments() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "dp", status = feasible, segments = -3, optimal_segments = -5>} {
  return
}

// -----

// expected-error @+1 {{summary segment counts must be non-negative}}
func.func @negative_optimal_segments() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "dp", status = feasible, segments = 2, optimal_segments = -1>} {
  return
}

// -----

// expected-error @+1 {{summary has more optimal segments than segments}}
func.func @optimal_segments_without_segments() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "dp", status = feasible, optimal_segments = 1>} {
  return
}

// -----

// expected-error @+1 {{summary times must be non-negative}}
func.func @negative_schedule_time() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "dp", status = feasible, schedule_time_us = -1>} {
  return
}

// -----

// expected-error @+1 {{summary times must be non-negative}}
func.func @negative_arena_time() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "input", status = feasible, arena_bytes = 64, arena_time_us = -7>} {
  return
}

// -----

// expected-error @+1 {{summary sizes must be non-negative}}
func.func @negative_arena() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 100, algorithm = "input", status = feasible, arena_bytes = -64>} {
  return
}

// -----

// expected-error @+1 {{summary lower bound 150 exceeds the input-order peak 120}}
func.func @bound_above_input_peak() attributes {memopt.summary = #memopt.summary<peak_bytes = 200, resident_bytes = 0, lower_bound_bytes = 150, algorithm = "dp", status = feasible, input_peak_bytes = 120>} {
  return
}

// -----

// expected-error @+1 {{'memopt.arena_size' must be a non-negative integer that fits in 64 bits}}
func.func @negative_arena_size(%arena: memref<64xi8>) attributes {memopt.arena_size = -64 : i64} {
  return
}

// -----

// expected-error @+1 {{'memopt.arena_size' must be a non-negative integer that fits in 64 bits}}
func.func @arena_size_above_int64(%arena: memref<64xi8>) attributes {memopt.arena_size = 9223372036854775808 : ui64} {
  return
}

// -----

// expected-error @+1 {{'memopt.arena_size' must be a non-negative integer that fits in 64 bits}}
func.func @arena_size_not_an_integer(%arena: memref<64xi8>) attributes {memopt.arena_size = 64.0 : f32} {
  return
}

// -----

func.func @arena_size_on_op(%a: f32) -> f32 {
  // expected-error @+1 {{'memopt.arena_size' describes a function and cannot be placed on this op}}
  %0 = arith.addf %a, %a {memopt.arena_size = 8 : i64} : f32
  return %0 : f32
}

// -----

// expected-error @+1 {{timeline of 2 steps cannot have 3 buckets (1 to min(steps, 256))}}
func.func @timeline_buckets() attributes {memopt.timelines = [#memopt.timeline<order = "input", steps = 2, live_bytes = [1, 2, 3]>]} {
  return
}

// -----

// expected-error @+1 {{'memopt.concat_partition' must be a dictionary on a function}}
func.func @concat_partition_not_a_dictionary() attributes {memopt.concat_partition = 3 : i64} {
  return
}

// -----

// expected-error @+1 {{timeline of 5 steps cannot have 0 buckets}}
func.func @timeline_empty() attributes {memopt.timelines = [#memopt.timeline<order = "input", steps = 5, live_bytes = []>]} {
  return
}

// -----

// expected-error @+1 {{timeline live bytes must be non-negative}}
func.func @timeline_negative() attributes {memopt.timelines = [#memopt.timeline<order = "input", steps = 2, live_bytes = [1, -2]>]} {
  return
}

// -----

// expected-error @+1 {{timeline steps must be non-negative, got -1}}
func.func @timeline_steps() attributes {memopt.timelines = [#memopt.timeline<order = "input", steps = -1, live_bytes = []>]} {
  return
}

// -----

// expected-error @+1 {{'memopt.timelines' must be an array of #memopt.timeline attributes}}
func.func @timelines_not_array() attributes {memopt.timelines = 3} {
  return
}

// -----

func.func @timelines_on_op(%a: f32) -> f32 {
  // expected-error @+1 {{'memopt.timelines' describes a function and cannot be placed on this op}}
  %0 = arith.addf %a, %a {memopt.timelines = []} : f32
  return %0 : f32
}

// -----

// expected-error @+1 {{'memopt.concat_partition' needs an integer 'ops_added'}}
func.func @concat_partition_missing_field() attributes {memopt.concat_partition = {partitioned = 1 : i64, peak_before = 2 : i64, peak_after = 1 : i64}} {
  return
}

// -----

// expected-error @+1 {{'memopt.caller_allocated_results' must be a unit attribute}}
func.func @caller_allocated_results_not_unit() attributes {memopt.caller_allocated_results = true} {
  return
}

// -----

func.func @caller_allocated_results_on_op(%a: f32) -> f32 {
  // expected-error @+1 {{'memopt.caller_allocated_results' describes a function and cannot be placed on this op}}
  %0 = arith.addf %a, %a {memopt.caller_allocated_results} : f32
  return %0 : f32
}
