// Two branches each expand the input to 400 bytes and reduce it to 4: in
// this order both expansions are live at once (804 bytes); memory-schedule
// finishes one branch first (408 bytes).
func.func @two_branches(%x: tensor<100xf32>) -> tensor<1xf32> {
  %a1 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %b1 = tosa.sigmoid %x : (tensor<100xf32>) -> tensor<100xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 0 : i32} : (tensor<100xf32>) -> tensor<1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %r : tensor<1xf32>
}
