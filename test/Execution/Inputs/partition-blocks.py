#!/usr/bin/env python3
"""Emits the blocks that test memopt-partition-concat by execution, as tosa
with a runnable @main, through the model generator's IR builder.

  inception  four branches (1x1, 3x3, 5x5 convs, 3x3 max pool + 1x1) on an
             8x8x4 input, concatenated, ReLU, per-channel scale, 3x3 conv:
             the channel-wise split (a reordered float sum).
  depthwise  two branches concatenated, ReLU, 3x3 depthwise conv with bias,
             multiplier 2, stride 2: the kernel-wise split (exact); @main
             prints the bits of the result.

Usage: partition-blocks.py MODELGEN {inception|depthwise}
"""
import importlib.util
import sys
from types import SimpleNamespace

spec = importlib.util.spec_from_file_location("modelgen", sys.argv[1])
modelgen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(modelgen)

b = modelgen.Builder("f32")
x = b.input("input", (1, 8, 8, 4))
if sys.argv[2] == "inception":
    b1 = b.relu(b.conv(x, 8, 1, name="b1"))
    b2 = b.relu(b.conv(x, 8, 3, pad=1, name="b2"))
    b3 = b.relu(b.conv(x, 4, 5, pad=2, name="b3"))
    b4 = b.conv(b.max_pool2d(x, 3, 1, 1), 4, 1, name="b4")
    y = b.relu(b.concat([b1, b2, b3, b4]))
    y = b.mul(y, b.weight("scale", (1, 1, 1, y.c)))
    out = b.conv(y, 16, 3, pad=1, name="head")
else:
    b1 = b.relu(b.conv(x, 3, 1, name="b1"))
    b2 = b.conv(x, 5, 3, pad=1, name="b2")
    y = b.relu(b.concat([b1, b2]))
    w = b.weight("dw_w", (3, 3, y.c, 2))
    bias = b.weight("dw_b", (y.c * 2,))
    out = b.depthwise_conv2d(y, w, bias, 2, 1, 1)
text = b.finish([out], with_main=True)
if sys.argv[2] == "depthwise":
    # Print the bits of the result, to compare bit for bit.
    ty = b.ty(out.shape)
    bits = ty.replace("xf32>", "xi32>")
    text = text.replace(
        f"%u0 = tensor.cast %r0 : {ty} to tensor<*xf32>",
        f"%e0 = tensor.empty() : {bits}\n"
        "    %i0 = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> "
        "(a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], "
        "iterator_types = [\"parallel\", \"parallel\", \"parallel\", "
        f"\"parallel\"]}} ins(%r0 : {ty}) outs(%e0 : {bits}) {{\n"
        "    ^bb0(%in: f32, %init: i32):\n"
        "      %v = arith.bitcast %in : f32 to i32\n"
        "      linalg.yield %v : i32\n"
        f"    }} -> {bits}\n"
        f"    %u0 = tensor.cast %i0 : {bits} to tensor<*xi32>")
    text = text.replace("call @printMemrefF32(%u0) : (tensor<*xf32>)",
                        "call @printMemrefI32(%u0) : (tensor<*xi32>)")
    text = text.replace("func.func private @printMemrefF32(tensor<*xf32>)",
                        "func.func private @printMemrefI32(tensor<*xi32>)")
sys.stdout.write(text)
