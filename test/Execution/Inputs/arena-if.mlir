// The scf.if of issue 1: %r is %a or %b, both live until tosa.add.
func.func @f(%c: i1, %x: tensor<64xf32>) -> tensor<64xf32> {
  %a = tosa.exp %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = tosa.sigmoid %x : (tensor<64xf32>) -> tensor<64xf32>
  %r = scf.if %c -> tensor<64xf32> {
    scf.yield %a : tensor<64xf32>
  } else {
    scf.yield %b : tensor<64xf32>
  }
  %t = tosa.abs %x : (tensor<64xf32>) -> tensor<64xf32>
  %s = tosa.add %r, %t : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  return %s : tensor<64xf32>
}

// The yielded buffer itself is returned: it escapes.
func.func @g(%c: i1, %x: tensor<64xf32>) -> tensor<64xf32> {
  %a = tosa.exp %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = tosa.sigmoid %x : (tensor<64xf32>) -> tensor<64xf32>
  %r = scf.if %c -> tensor<64xf32> {
    scf.yield %a : tensor<64xf32>
  } else {
    scf.yield %b : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print4(%t: tensor<64xf32>) {
  %s = tensor.extract_slice %t[0] [4] [1] : tensor<64xf32> to tensor<4xf32>
  %u = tensor.cast %s : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<1.0> : tensor<64xf32>
  %true = arith.constant true
  %false = arith.constant false
  %f1 = call @f(%true, %x) : (i1, tensor<64xf32>) -> tensor<64xf32>
  call @print4(%f1) : (tensor<64xf32>) -> ()
  %f2 = call @f(%false, %x) : (i1, tensor<64xf32>) -> tensor<64xf32>
  call @print4(%f2) : (tensor<64xf32>) -> ()
  %g1 = call @g(%true, %x) : (i1, tensor<64xf32>) -> tensor<64xf32>
  %junk = call @f(%false, %x) : (i1, tensor<64xf32>) -> tensor<64xf32>
  call @print4(%g1) : (tensor<64xf32>) -> ()
  return
}
