// Bufferized kernels with the aliases memopt-arena must follow: region
// results (scf.if, scf.for iter_args), a call returning its argument,
// casts, subviews, deallocations of casts and subviews, and an allocation
// made long before its first write.

// x *= k through a temporary; returns x, so its result aliases its argument.
func.func private @scale(%x: memref<16xf32>, %k: f32) -> memref<16xf32> {
  %t = memref.alloc() : memref<16xf32>
  linalg.fill ins(%k : f32) outs(%t : memref<16xf32>)
  linalg.map { arith.mulf } ins(%x, %t : memref<16xf32>, memref<16xf32>) outs(%x : memref<16xf32>)
  memref.dealloc %t : memref<16xf32>
  return %x : memref<16xf32>
}

func.func @kernel(%in: memref<16xf32>, %out: memref<16xf32>, %c: i1, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %two = arith.constant 2.0 : f32
  // Allocated first, written last (where bufferization leaves tensor.empty).
  %late = memref.alloc() : memref<8xf32>
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  linalg.map { math.exp } ins(%in : memref<16xf32>) outs(%a : memref<16xf32>)
  linalg.map { math.tanh } ins(%in : memref<16xf32>) outs(%b : memref<16xf32>)
  // %r is %a or %b: both stay live until its last read, in the loop.
  %r = scf.if %c -> memref<16xf32> {
    scf.yield %a : memref<16xf32>
  } else {
    scf.yield %b : memref<16xf32>
  }
  %t = memref.alloc() : memref<16xf32>
  linalg.map { math.absf } ins(%in : memref<16xf32>) outs(%t : memref<16xf32>)
  %p = memref.alloc() : memref<16xf32>
  %q = memref.alloc() : memref<16xf32>
  memref.copy %t, %p : memref<16xf32> to memref<16xf32>
  %tv = memref.subview %t[0] [16] [1] : memref<16xf32> to memref<16xf32, strided<[1]>>
  memref.dealloc %tv : memref<16xf32, strided<[1]>>
  // Ping-pong between %p and %q through iter_args.
  %res:2 = scf.for %i = %c0 to %n step %c1 iter_args(%cur = %p, %next = %q) -> (memref<16xf32>, memref<16xf32>) {
    linalg.map { arith.addf } ins(%cur, %r : memref<16xf32>, memref<16xf32>) outs(%next : memref<16xf32>)
    scf.yield %next, %cur : memref<16xf32>, memref<16xf32>
  }
  %ac = memref.cast %a : memref<16xf32> to memref<16xf32, strided<[?], offset: ?>>
  memref.dealloc %ac : memref<16xf32, strided<[?], offset: ?>>
  memref.dealloc %b : memref<16xf32>
  %scaled = call @scale(%res#0, %two) : (memref<16xf32>, f32) -> memref<16xf32>
  %cast = memref.cast %scaled : memref<16xf32> to memref<16xf32, strided<[?], offset: ?>>
  %lo = memref.subview %cast[0] [8] [1] : memref<16xf32, strided<[?], offset: ?>> to memref<8xf32, strided<[?], offset: ?>>
  %hi = memref.subview %cast[8] [8] [1] : memref<16xf32, strided<[?], offset: ?>> to memref<8xf32, strided<[?], offset: ?>>
  linalg.map { arith.subf } ins(%lo, %hi : memref<8xf32, strided<[?], offset: ?>>, memref<8xf32, strided<[?], offset: ?>>) outs(%late : memref<8xf32>)
  %outlo = memref.subview %out[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  %outhi = memref.subview %out[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  memref.copy %late, %outlo : memref<8xf32> to memref<8xf32, strided<[1]>>
  memref.copy %hi, %outhi : memref<8xf32, strided<[?], offset: ?>> to memref<8xf32, strided<[1], offset: 8>>
  memref.dealloc %res#0 : memref<16xf32>
  memref.dealloc %res#1 : memref<16xf32>
  memref.dealloc %late : memref<8xf32>
  return
}
