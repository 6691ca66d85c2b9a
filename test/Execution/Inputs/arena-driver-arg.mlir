// Calls @kernel of arena-kernels.mlir, planned with arena-mode=arg, on both
// branches with an arena of the size @kernel_arena_size reports, and
// prints. ARENA_BYTES is replaced by the static size of the arena argument.
func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %step = arith.constant 0.125 : f32
  %true = arith.constant true
  %false = arith.constant false
  %in = memref.alloc() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %v = arith.mulf %fi, %step : f32
    memref.store %v, %in[%i] : memref<16xf32>
  }
  %out = memref.alloc() : memref<16xf32>
  %printable = memref.cast %out : memref<16xf32> to memref<*xf32>
  %size = call @kernel_arena_size() : () -> index
  %bytes = memref.alloc(%size) {alignment = 64 : i64} : memref<?xi8>
  %arena = memref.cast %bytes : memref<?xi8> to memref<ARENA_BYTESxi8>
  call @kernel(%in, %out, %true, %c3, %arena) : (memref<16xf32>, memref<16xf32>, i1, index, memref<ARENA_BYTESxi8>) -> ()
  call @printMemrefF32(%printable) : (memref<*xf32>) -> ()
  call @kernel(%in, %out, %false, %c3, %arena) : (memref<16xf32>, memref<16xf32>, i1, index, memref<ARENA_BYTESxi8>) -> ()
  call @printMemrefF32(%printable) : (memref<*xf32>) -> ()
  memref.dealloc %bytes : memref<?xi8>
  memref.dealloc %in : memref<16xf32>
  memref.dealloc %out : memref<16xf32>
  return
}
