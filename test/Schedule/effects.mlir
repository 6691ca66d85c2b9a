// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memory-schedule | FileCheck %s
// RUN: memopt-opt %s -split-input-file --allow-unregistered-dialect --memory-schedule=pure-dialects=test | FileCheck %s --check-prefix=PURE

// Unregistered ops are ordering barriers: without pure-dialects the order
// stays. Declared pure, the two branches are finished one after the other.
// CHECK-LABEL: func.func @unregistered
// CHECK-SAME: algorithm = "input"
// CHECK: "test.expand"() {{.*}}tag = "a1"
// CHECK-NEXT: "test.expand"() {{.*}}tag = "b1"
// PURE-LABEL: func.func @unregistered
// PURE-SAME: peak_bytes = 408
// PURE: "test.expand"() {{.*}}tag = "a1"
// PURE-NEXT: "test.reduce"({{.*}}tag = "a2"
// PURE-NEXT: "test.expand"() {{.*}}tag = "b1"
func.func @unregistered() -> tensor<1xf32> {
  %a1 = "test.expand"() {tag = "a1"} : () -> tensor<100xf32>
  %b1 = "test.expand"() {tag = "b1"} : () -> tensor<100xf32>
  %a2 = "test.reduce"(%a1) {tag = "a2"} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = "test.reduce"(%b1) {tag = "b2"} : (tensor<100xf32>) -> tensor<1xf32>
  %r = "test.combine"(%a2, %b2) : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}

// -----

// Ops named like side effects keep their order even in a pure dialect; pure
// ops still move around them.
// PURE-LABEL: func.func @effectful_names
// PURE: "test.rng"() {{.*}}tag = "r1"
// PURE: "test.custom_call"() {{.*}}tag = "c1"
func.func @effectful_names() -> (tensor<1xf32>, tensor<1xf32>) {
  %r = "test.rng"() {tag = "r1"} : () -> tensor<1xf32>
  %c = "test.custom_call"() {tag = "c1"} : () -> tensor<1xf32>
  return %r, %c : tensor<1xf32>, tensor<1xf32>
}

// -----

// Registered ops with side effects keep their relative order; ops without
// effects move freely around them. The loads must stay after the store and
// the second store after the loads.
// CHECK-LABEL: func.func @memory_effects
// CHECK: memref.store {{.*}}tag = "s1"
// CHECK: memref.load {{.*}}tag = "l1"
// CHECK: memref.load {{.*}}tag = "l2"
// CHECK: memref.store {{.*}}tag = "s2"
func.func @memory_effects(%m: memref<4xf32>, %x: tensor<100xf32>, %i: index, %f: f32) -> (f32, f32, tensor<1xf32>) {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  memref.store %f, %m[%i] {tag = "s1"} : memref<4xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %l1 = memref.load %m[%i] {tag = "l1"} : memref<4xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %l2 = memref.load %m[%i] {tag = "l2"} : memref<4xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  memref.store %f, %m[%i] {tag = "s2"} : memref<4xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %l1, %l2, %r : f32, f32, tensor<1xf32>
}

// -----

// An op with a region runs after every value its region captures.
// CHECK-LABEL: func.func @region_captures
// CHECK: %[[V:.+]] = tosa.exp
// CHECK: scf.if
// CHECK-NEXT: scf.yield %[[V]]
func.func @region_captures(%c: i1, %x: tensor<100xf32>) -> tensor<100xf32> {
  %v = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %w = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %r = scf.if %c -> tensor<100xf32> {
    scf.yield %v : tensor<100xf32>
  } else {
    scf.yield %w : tensor<100xf32>
  }
  return %r : tensor<100xf32>
}
