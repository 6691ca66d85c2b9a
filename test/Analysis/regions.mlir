// RUN: memopt-opt %s -split-input-file --memopt-annotate | FileCheck %s
// RUN: memopt-opt %s -split-input-file --memopt-report="format=json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// What a region holds while it runs is charged to the op that owns it, as a
// scratch value live at that op's step only.

// A loop over bands of rows on tensors: the loop-carried output (4 KiB) is
// one buffer for the whole loop, shared by the fill, the iter_arg and the
// loop's result; each iteration holds two 512 B bands at once. The peak is
// 4 KiB + 1 KiB at the loop, not 4 KiB (banding is not free) nor 8 KiB (the
// output is not counted twice).
// CHECK-LABEL: func.func @tensor_bands
// CHECK-SAME: peak_bytes = 5120
// REPORT: "function": "tensor_bands"
// REPORT: "bytes": 1024,
// REPORT: "op": "scf.for",
// REPORT: "value": "scratch of scf.for"
// REPORT: "peak_bytes": 5120,
// REPORT-NEXT: "peak_op": "scf.for",
func.func @tensor_bands(%in: tensor<64x16xf32>, %x: f32) -> tensor<64x16xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %e = tensor.empty() : tensor<64x16xf32>
  %init = linalg.fill ins(%x : f32) outs(%e : tensor<64x16xf32>) -> tensor<64x16xf32>
  %r = scf.for %i = %c0 to %c64 step %c8 iter_args(%acc = %init) -> (tensor<64x16xf32>) {
    %band = tensor.extract_slice %in[%i, 0] [8, 16] [1, 1] : tensor<64x16xf32> to tensor<8x16xf32>
    %e1 = tensor.empty() : tensor<8x16xf32>
    %a = linalg.exp ins(%band : tensor<8x16xf32>) outs(%e1 : tensor<8x16xf32>) -> tensor<8x16xf32>
    %e2 = tensor.empty() : tensor<8x16xf32>
    %b = linalg.add ins(%a, %band : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e2 : tensor<8x16xf32>) -> tensor<8x16xf32>
    %out = tensor.extract_slice %acc[%i, 0] [8, 16] [1, 1] : tensor<64x16xf32> to tensor<8x16xf32>
    %c = linalg.add ins(%b, %out : tensor<8x16xf32>, tensor<8x16xf32>) outs(%out : tensor<8x16xf32>) -> tensor<8x16xf32>
    %next = tensor.insert_slice %c into %acc[%i, 0] [8, 16] [1, 1] : tensor<8x16xf32> into tensor<64x16xf32>
    scf.yield %next : tensor<64x16xf32>
  }
  return %r : tensor<64x16xf32>
}

// -----

// Nested loops, counted recursively: the outer body holds 512 B across the
// inner loop, whose body holds 256 B: 768 B of scratch, with the 1 KiB
// result.
// CHECK-LABEL: func.func @nested_loops
// CHECK-SAME: peak_bytes = 1792
func.func @nested_loops(%x: f32) -> tensor<256xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty() : tensor<256xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %e) -> (tensor<256xf32>) {
    %e1 = tensor.empty() : tensor<128xf32>
    %t = linalg.fill ins(%x : f32) outs(%e1 : tensor<128xf32>) -> tensor<128xf32>
    %s = scf.for %j = %c0 to %c4 step %c1 iter_args(%acc2 = %acc) -> (tensor<256xf32>) {
      %e2 = tensor.empty() : tensor<64xf32>
      %u = linalg.fill ins(%x : f32) outs(%e2 : tensor<64xf32>) -> tensor<64xf32>
      %v = tensor.insert_slice %u into %acc2[0] [64] [1] : tensor<64xf32> into tensor<256xf32>
      scf.yield %v : tensor<256xf32>
    }
    %w = tensor.insert_slice %t into %s[128] [128] [1] : tensor<128xf32> into tensor<256xf32>
    scf.yield %w : tensor<256xf32>
  }
  return %r : tensor<256xf32>
}

// -----

// On memrefs: each iteration allocates and frees 1 KiB while the 4 KiB
// buffer allocated before the loop is live across it.
// CHECK-LABEL: func.func @memref_loop
// CHECK-SAME: peak_bytes = 5120
func.func @memref_loop(%in: memref<1024xf32>, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %big = memref.alloc() : memref<1024xf32>
  linalg.fill ins(%x : f32) outs(%big : memref<1024xf32>)
  scf.for %i = %c0 to %c4 step %c1 {
    %tmp = memref.alloc() : memref<256xf32>
    %src = memref.subview %in[0] [256] [1] : memref<1024xf32> to memref<256xf32, strided<[1]>>
    memref.copy %src, %tmp : memref<256xf32, strided<[1]>> to memref<256xf32>
    %dst = memref.subview %big[0] [256] [1] : memref<1024xf32> to memref<256xf32, strided<[1]>>
    memref.copy %tmp, %dst : memref<256xf32> to memref<256xf32, strided<[1]>>
    memref.dealloc %tmp : memref<256xf32>
  }
  %y = memref.load %big[%c0] : memref<1024xf32>
  memref.dealloc %big : memref<1024xf32>
  return %y : f32
}

// -----

// Only one branch of an scf.if runs: the larger one (2 KiB) is charged.
// Scalars inside regions (the payload of linalg ops) take no bytes.
// CHECK-LABEL: func.func @if_branches
// CHECK-SAME: peak_bytes = 2052
func.func @if_branches(%p: i1, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %r = scf.if %p -> f32 {
    %a = memref.alloc() : memref<512xf32>
    linalg.fill ins(%x : f32) outs(%a : memref<512xf32>)
    %v = memref.load %a[%c0] : memref<512xf32>
    memref.dealloc %a : memref<512xf32>
    scf.yield %v : f32
  } else {
    %b = memref.alloc() : memref<128xf32>
    linalg.fill ins(%x : f32) outs(%b : memref<128xf32>)
    %v = memref.load %b[%c0] : memref<128xf32>
    memref.dealloc %b : memref<128xf32>
    scf.yield %v : f32
  }
  return %r : f32
}

// -----

// A bufferized banded loop yields its iter_arg: its result is the init's
// 4 KiB buffer, not 4 KiB more because the body allocates (1 KiB bands).
// CHECK-LABEL: func.func @memref_iter_arg
// CHECK-SAME: peak_bytes = 5120
func.func @memref_iter_arg(%in: memref<1024xf32>, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %out = memref.alloc() : memref<1024xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %out) -> (memref<1024xf32>) {
    %band = memref.alloc() : memref<256xf32>
    linalg.fill ins(%x : f32) outs(%band : memref<256xf32>)
    %dst = memref.subview %acc[0] [256] [1] : memref<1024xf32> to memref<256xf32, strided<[1]>>
    memref.copy %band, %dst : memref<256xf32> to memref<256xf32, strided<[1]>>
    memref.dealloc %band : memref<256xf32>
    scf.yield %acc : memref<1024xf32>
  }
  %y = memref.load %r[%c0] : memref<1024xf32>
  memref.dealloc %out : memref<1024xf32>
  return %y : f32
}

// -----

// A band of clamped height, as tiling a padded map makes them: rows =
// max(min(10 - i, 4), 0). ValueBounds bounds an affine.max from below only;
// its upper bound is the largest of its expressions' (4 rows): the band is
// 4 x 16 x 4 B = 256 B, twice (two bands live at the add), with the 1 KiB
// output.
// CHECK-LABEL: func.func @clamped_band
// CHECK-SAME: peak_bytes = 1536
func.func @clamped_band(%in: tensor<16x16xf32>, %x: f32) -> tensor<16x16xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %e = tensor.empty() : tensor<16x16xf32>
  %r = scf.for %i = %c0 to %c16 step %c4 iter_args(%acc = %e) -> (tensor<16x16xf32>) {
    %lo = affine.min affine_map<(d0) -> (-d0 + 10, 4)>(%i)
    %rows = affine.max affine_map<(d0) -> (d0, 0)>(%lo)
    %e1 = tensor.empty(%rows) : tensor<?x16xf32>
    %a = linalg.fill ins(%x : f32) outs(%e1 : tensor<?x16xf32>) -> tensor<?x16xf32>
    %e2 = tensor.empty(%rows) : tensor<?x16xf32>
    %b = linalg.add ins(%a, %a : tensor<?x16xf32>, tensor<?x16xf32>) outs(%e2 : tensor<?x16xf32>) -> tensor<?x16xf32>
    %next = tensor.insert_slice %b into %acc[%i, 0] [%rows, 16] [1, 1] : tensor<?x16xf32> into tensor<16x16xf32>
    scf.yield %next : tensor<16x16xf32>
  }
  return %r : tensor<16x16xf32>
}

// -----

// A boundary band as overlap banding fuses a pad: an scf.if yields either
// a band of padding (tensor.generate, 2 + 2 rows at most) or the padded rows
// of the input (at most 4 + 2). ValueBounds cannot order the two; the result
// is at most the larger, 6 x 8 x 4 B = 192 B, live with the peak of the
// else branch (the 4-row slice is a view: the pad's 192 B is the result). In
// the loop body: the if (192 B), then the 128 B band of the add with it:
// 320 B of scratch, with the 512 B output.
// CHECK-LABEL: func.func @padded_band
// CHECK-SAME: peak_bytes = 832
func.func @padded_band(%in: tensor<16x8xf32>, %x: f32) -> tensor<16x8xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %e = tensor.empty() : tensor<16x8xf32>
  %r = scf.for %i = %c0 to %c16 step %c4 iter_args(%acc = %e) -> (tensor<16x8xf32>) {
    %lo = affine.min affine_map<(d0) -> (-d0 + 14, 4)>(%i)
    %rows = affine.max affine_map<(d0) -> (d0, 0)>(%lo)
    %none = arith.cmpi eq, %rows, %c0 : index
    %t = scf.if %none -> (tensor<?x8xf32>) {
      %two = affine.apply affine_map<(d0) -> (d0 + 2)>(%lo)
      %g = tensor.generate %two {
      ^bb0(%a: index, %b: index):
        tensor.yield %x : f32
      } : tensor<?x8xf32>
      scf.yield %g : tensor<?x8xf32>
    } else {
      %s = tensor.extract_slice %in[%i, 0] [%rows, 8] [1, 1] : tensor<16x8xf32> to tensor<?x8xf32>
      %p = tensor.pad %s low[1, 0] high[1, 0] {
      ^bb0(%a: index, %b: index):
        tensor.yield %x : f32
      } : tensor<?x8xf32> to tensor<?x8xf32>
      scf.yield %p : tensor<?x8xf32>
    }
    %band = tensor.extract_slice %t[1, 0] [4, 8] [1, 1] : tensor<?x8xf32> to tensor<4x8xf32>
    %e1 = tensor.empty() : tensor<4x8xf32>
    %b = linalg.add ins(%band, %band : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e1 : tensor<4x8xf32>) -> tensor<4x8xf32>
    %next = tensor.insert_slice %b into %acc[%i, 0] [4, 8] [1, 1] : tensor<4x8xf32> into tensor<16x8xf32>
    scf.yield %next : tensor<16x8xf32>
  }
  return %r : tensor<16x8xf32>
}

// -----

// An scf.if's result is allocated in the branch that runs, when it yields:
// the else branch holds its two 256 B maps (512 B), then the second one and
// the 384 B padded result it yields (640 B). The if's step holds 640 B,
// not the result on top of the branch's 512 B.
// CHECK-LABEL: func.func @branch_yield
// CHECK-SAME: peak_bytes = 640
func.func @branch_yield(%p: i1, %x: f32) -> tensor<96xf32> {
  %r = scf.if %p -> (tensor<96xf32>) {
    %e = tensor.empty() : tensor<96xf32>
    %g = linalg.fill ins(%x : f32) outs(%e : tensor<96xf32>) -> tensor<96xf32>
    scf.yield %g : tensor<96xf32>
  } else {
    %e = tensor.empty() : tensor<64xf32>
    %a = linalg.fill ins(%x : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
    %e2 = tensor.empty() : tensor<64xf32>
    %b = linalg.exp ins(%a : tensor<64xf32>) outs(%e2 : tensor<64xf32>) -> tensor<64xf32>
    %p2 = tensor.pad %b low[16] high[16] {
    ^bb0(%i: index):
      tensor.yield %x : f32
    } : tensor<64xf32> to tensor<96xf32>
    scf.yield %p2 : tensor<96xf32>
  }
  return %r : tensor<96xf32>
}
