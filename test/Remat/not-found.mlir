// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memopt-remat=budget=802 -verify-diagnostics

// The held value comes from an op with unknown effects, which cannot run
// twice: the budget is above the floor but not reached.
// expected-error @+1 {{memopt-remat: cannot meet the budget of 802 bytes: the best peak reached is 804 bytes; the proven floor is 800 bytes; the function is left unchanged}}
func.func @not_recomputable(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a = "foo.make"(%x) : (tensor<100xf32>) -> tensor<100xf32>
  %c = tosa.sigmoid %a : (tensor<100xf32>) -> tensor<100xf32>
  %s = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %t = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %u = tosa.add %t, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}

// -----

// A linalg.generic whose body reads a value defined outside it is not
// recomputed: a clone would read that value, not a copy the schedule keeps.
#id = affine_map<(d0) -> (d0)>
#red = affine_map<(d0) -> (0)>
// expected-error @+1 {{memopt-remat: cannot meet the budget of 802 bytes: the best peak reached is 804 bytes; the proven floor is 800 bytes; the function is left unchanged}}
func.func @captures_from_above(%x: tensor<100xf32>, %init: tensor<1xf32>, %scale: f32) -> tensor<1xf32> {
  %e0 = tensor.empty() : tensor<100xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<100xf32>) outs(%e0 : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.mulf %in, %scale : f32
    linalg.yield %v : f32
  } -> tensor<100xf32>
  %e1 = tensor.empty() : tensor<100xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<100xf32>) outs(%e1 : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<100xf32>
  %s = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]} ins(%c : tensor<100xf32>) outs(%init : tensor<1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  %t = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]} ins(%a : tensor<100xf32>) outs(%s : tensor<1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  return %t : tensor<1xf32>
}

// -----

// Nor one whose init is a real value (a fill), nor one a later op writes
// its result into in place: a clone would not recompute what the buffer
// holds, and the init would gain a reader.
#id = affine_map<(d0) -> (d0)>
#red = affine_map<(d0) -> (0)>
// expected-error @+1 {{memopt-remat: cannot meet the budget of 802 bytes: the best peak reached is 804 bytes; the proven floor is 800 bytes; the function is left unchanged}}
func.func @init_not_empty(%x: tensor<100xf32>, %init: tensor<1xf32>, %zero: f32) -> tensor<1xf32> {
  %e0 = tensor.empty() : tensor<100xf32>
  %filled = linalg.fill ins(%zero : f32) outs(%e0 : tensor<100xf32>) -> tensor<100xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<100xf32>) outs(%filled : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<100xf32>
  %e1 = tensor.empty() : tensor<100xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<100xf32>) outs(%e1 : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<100xf32>
  %s = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]} ins(%c : tensor<100xf32>) outs(%init : tensor<1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  %t = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]} ins(%a : tensor<100xf32>) outs(%s : tensor<1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  return %t : tensor<1xf32>
}
