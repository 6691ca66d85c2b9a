#!/usr/bin/env python3
"""memopt-modelgen: emit real neural-network architectures as TOSA MLIR.

Every model is a single ``func.func`` (``@forward`` by default) on ranked
tensors in the upstream ``tosa`` dialect (LLVM/MLIR 22 syntax), NHWC layout,
convolution weights OHWI, depthwise weights HWCM.  All learned parameters are
function arguments, so the files stay small; the only constants are scalar zero
points, the ``tosa.mul`` shift, ``!tosa.shape`` operands and (RandWire) the
1/k factor of the output average.

Inference-time simplifications shared by all models:
  * BatchNorm is folded into the bias of the preceding convolution;
  * ReLU is ``tosa.clamp`` and is memoised per value (a ReLU of the same
    tensor is emitted once, as CSE would do);
  * dropout / drop-path / auxiliary heads are omitted;
  * PyTorch (floor) and TensorFlow ('SAME') window arithmetic is reproduced
    exactly; TOSA requires the padded extent to be an exact multiple of the
    stride, so the builder trims unused trailing padding and, where needed,
    slices off trailing input rows/columns that the window never reads.

Run ``memopt-modelgen.py --list`` for the model names.  Stdlib only.
"""

import argparse
import contextlib
import math
import random
import struct
import sys
from dataclasses import dataclass

# Largest finite value per element type (upper bound of the ReLU clamp).
_DTYPE_MAX = {
    "f32": "3.40282347E+38",
    "f16": "6.550400e+04",
    "bf16": "3.38953139E+38",
}


# ============================================================================
# IR builder
# ============================================================================

@dataclass(frozen=True)
class Value:
    """An SSA value: its name (without '%'), its static shape and, when it
    is not the model's element type, its element type."""
    name: str
    shape: tuple
    dtype: str = None

    @property
    def rank(self):
        return len(self.shape)

    @property
    def size(self):
        """Number of elements."""
        return math.prod(self.shape)

    @property
    def c(self):
        """Channel count (last dimension, NHWC)."""
        return self.shape[-1]

    @property
    def hw(self):
        return self.shape[1:3]


@dataclass(frozen=True)
class HW:
    """Separate padding specs for the H and W dimensions."""
    h: object
    w: object


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _plan_window(size, k, stride, dilation, pad):
    """Window arithmetic for one spatial dimension.

    ``pad`` is an int (PyTorch symmetric padding, floor output size),
    a ``(lo, hi)`` tuple (explicit asymmetric padding, floor output size),
    ``'same'`` (TensorFlow SAME, output ceil(size/stride)) or ``'valid'``.

    Returns ``(out, pad_lo, pad_hi, crop)`` such that a TOSA window op over the
    input with its last ``crop`` rows removed and padding (pad_lo, pad_hi)
    yields exactly ``out`` rows and satisfies TOSA's exact-divisibility rule.
    """
    keff = (k - 1) * dilation + 1
    if pad == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + keff - size, 0)
        lo = total // 2
    else:
        if pad == "valid":
            lo, hi = 0, 0
        elif isinstance(pad, tuple):
            lo, hi = pad
        else:
            lo, hi = pad, pad
        out = (size + lo + hi - keff) // stride + 1
    if out < 1:
        raise ValueError(f"window k={k} s={stride} does not fit input {size}")
    need = (out - 1) * stride + keff       # padded extent actually read
    hi = need - size - lo
    crop = 0
    if hi < 0:
        crop, hi = -hi, 0
    return out, lo, hi, crop


class Builder:
    """Emits one TOSA function; tracks SSA names, shapes and weight args."""

    def __init__(self, dtype="f32"):
        if dtype not in _DTYPE_MAX:
            raise ValueError(f"unsupported dtype {dtype}")
        self.dtype = dtype
        self.args = []            # list of (Value, is_weight)
        self._arg_names = set()
        self._consts = []         # prologue lines (constants)
        self._const_cache = {}
        self._body = []
        self._next_id = 0
        self._scope = []
        self._relu_cache = {}
        self.num_params = 0
        self.op_counts = {}
        # Forward ops as (kind, result, operands, attributes), for --train.
        self.tape = []
        self.taping = True

    # ---------------------------------------------------------------- basics
    def ty(self, shape, dtype=None):
        dims = "x".join(str(d) for d in shape)
        return f"tensor<{dims}x{dtype or self.dtype}>"

    def _fresh(self, shape, dtype=None):
        v = Value(str(self._next_id), tuple(shape), dtype)
        self._next_id += 1
        return v

    def _emit(self, opname, text):
        self.op_counts[opname] = self.op_counts.get(opname, 0) + 1
        self._body.append(text)

    def _record(self, kind, result, operands, **attrs):
        """Remember a forward op for the backward pass of --train."""
        if self.taping:
            self.tape.append((kind, result, tuple(operands), attrs))
        return result

    def comment(self, text):
        self._body.append(f"// {text}")

    @contextlib.contextmanager
    def scope(self, name):
        """Prefix for the names of weights created inside the block."""
        self._scope.append(str(name))
        try:
            yield
        finally:
            self._scope.pop()

    def _arg(self, name, shape, is_weight):
        base = "_".join(self._scope + [name]) if is_weight else name
        base = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in base)
        if base[0].isdigit():
            base = "w" + base
        uniq, n = base, 1
        while uniq in self._arg_names:
            n += 1
            uniq = f"{base}_{n}"
        self._arg_names.add(uniq)
        v = Value(uniq, tuple(shape))
        self.args.append((v, is_weight))
        if is_weight:
            self.num_params += math.prod(shape)
        return v

    def input(self, name, shape):
        return self._arg(name, shape, False)

    def weight(self, name, shape):
        return self._arg(name, shape, True)

    # ------------------------------------------------------------- constants
    def _const(self, key, name, rhs):
        """Emit ``%name = rhs`` once in the prologue; returns the SSA name."""
        if key not in self._const_cache:
            assert name not in self._arg_names, f"constant name clash: {name}"
            self._consts.append(f"%{name} = {rhs}")
            self._const_cache[key] = name
        return self._const_cache[key]

    def _tosa_const(self, key, name, literal, ty):
        return self._const(key, name, f'"tosa.const"() <{{values = dense<{literal}> : '
                                      f'{ty}}}> : () -> {ty}')

    def zero_point(self):
        """Scalar zero (used as zero point and as an all-zero bias)."""
        return Value(self._tosa_const(("zp",), "zero", "0.000000e+00", self.ty((1,))), (1,))

    def _shift(self):
        return self._tosa_const(("shift",), "shift", "0", self.ty((1,), "i8"))

    def _shape_const(self, dims):
        dims = tuple(int(d) for d in dims)
        n = len(dims)
        name = "shape_" + "_".join(str(d) for d in dims)
        vals = ", ".join(str(d) for d in dims)
        return self._const(("shape", dims), name,
                           f"tosa.const_shape {{values = dense<[{vals}]> : "
                           f"tensor<{n}xindex>}} : () -> !tosa.shape<{n}>")

    def scalar(self, value, rank=4):
        """A broadcastable scalar constant of the given rank."""
        shape = (1,) * rank
        name = "cst_" + f"{value:.6g}".replace(".", "p").replace("-", "m")
        if rank != 4:
            name += f"_r{rank}"
        name = self._tosa_const(("scalar", value, rank), name, f"{value:.8e}",
                                self.ty(shape))
        return Value(name, shape)

    # ------------------------------------------------------- low-level ops
    def _sig(self, operands, result):
        ins = ", ".join(self._ty_of(o) for o in operands)
        return f"({ins}) -> {self._ty_of(result)}"

    def _ty_of(self, v):
        if isinstance(v, Value):
            return self.ty(v.shape, v.dtype)
        return v  # pre-rendered type string

    def _window_input(self, x, kernel, stride, dilation, pad):
        """Plan both spatial dims; slice the input if trailing rows are unused."""
        pad_h, pad_w = (pad.h, pad.w) if isinstance(pad, HW) else (pad, pad)
        oh, pt, pb, ch = _plan_window(x.shape[1], kernel[0], stride[0], dilation[0], pad_h)
        ow, pl, pr, cw = _plan_window(x.shape[2], kernel[1], stride[1], dilation[1], pad_w)
        if ch or cw:
            n, h, w, c = x.shape
            x = self.slice(x, (0, 0, 0, 0), (n, h - ch, w - cw, c))
        return x, (pt, pb, pl, pr), (oh, ow)

    @staticmethod
    def _arr(vals):
        return "array<i64: " + ", ".join(str(v) for v in vals) + ">"

    def conv2d(self, x, w, b, stride=1, dilation=1, pad=0):
        """tosa.conv2d; ``w`` is OHWI, ``b`` is [O] (or [1])."""
        stride, dilation = _pair(stride), _pair(dilation)
        x, p, (oh, ow) = self._window_input(x, w.shape[1:3], stride, dilation, pad)
        assert w.shape[3] == x.c, (w.shape, x.shape)
        r = self._fresh((x.shape[0], oh, ow, w.shape[0]))
        zp = self.zero_point()
        self._emit("conv2d",
                   f"%{r.name} = tosa.conv2d %{x.name}, %{w.name}, %{b.name}, %{zp.name}, "
                   f"%{zp.name} {{acc_type = f32, dilation = {self._arr(dilation)}, "
                   f"pad = {self._arr(p)}, stride = {self._arr(stride)}}} : "
                   + self._sig([x, w, b, zp, zp], r))
        return self._record("conv2d", r, (x, w, b), stride=stride,
                            dilation=dilation, pad=p)

    def depthwise_conv2d(self, x, w, b, stride=1, dilation=1, pad=0):
        """tosa.depthwise_conv2d; ``w`` is [KH, KW, C, M]."""
        stride, dilation = _pair(stride), _pair(dilation)
        x, p, (oh, ow) = self._window_input(x, w.shape[0:2], stride, dilation, pad)
        assert w.shape[2] == x.c, (w.shape, x.shape)
        r = self._fresh((x.shape[0], oh, ow, w.shape[2] * w.shape[3]))
        zp = self.zero_point()
        self._emit("depthwise_conv2d",
                   f"%{r.name} = tosa.depthwise_conv2d %{x.name}, %{w.name}, %{b.name}, "
                   f"%{zp.name}, %{zp.name} {{acc_type = f32, dilation = "
                   f"{self._arr(dilation)}, pad = {self._arr(p)}, stride = "
                   f"{self._arr(stride)}}} : " + self._sig([x, w, b, zp, zp], r))
        return self._record("depthwise_conv2d", r, (x, w, b), stride=stride,
                            dilation=dilation, pad=p)

    def max_pool2d(self, x, kernel, stride, pad):
        kernel, stride = _pair(kernel), _pair(stride)
        x, p, (oh, ow) = self._window_input(x, kernel, stride, (1, 1), pad)
        r = self._fresh((x.shape[0], oh, ow, x.c))
        self._emit("max_pool2d",
                   f"%{r.name} = tosa.max_pool2d %{x.name} {{kernel = {self._arr(kernel)}, "
                   f"pad = {self._arr(p)}, stride = {self._arr(stride)}}} : "
                   + self._sig([x], r))
        return self._record("max_pool2d", r, (x,), kernel=kernel, stride=stride, pad=p)

    def avg_pool2d(self, x, kernel, stride, pad):
        """Average pool; TOSA excludes padding from the divisor
        (= PyTorch count_include_pad=False = TensorFlow 'SAME')."""
        kernel, stride = _pair(kernel), _pair(stride)
        x, p, (oh, ow) = self._window_input(x, kernel, stride, (1, 1), pad)
        r = self._fresh((x.shape[0], oh, ow, x.c))
        zp = self.zero_point()
        self._emit("avg_pool2d",
                   f"%{r.name} = tosa.avg_pool2d %{x.name}, %{zp.name}, %{zp.name} "
                   f"{{acc_type = f32, kernel = {self._arr(kernel)}, pad = {self._arr(p)}, "
                   f"stride = {self._arr(stride)}}} : " + self._sig([x, zp, zp], r))
        return self._record("avg_pool2d", r, (x,), kernel=kernel, stride=stride, pad=p)

    def clamp(self, x, lo, hi):
        r = self._fresh(x.shape)
        self._emit("clamp",
                   f"%{r.name} = tosa.clamp %{x.name} {{max_val = {hi} : {self.dtype}, "
                   f"min_val = {lo} : {self.dtype}}} : " + self._sig([x], r))
        return self._record("clamp", r, (x,), lo=lo, hi=hi)

    def _broadcast_shape(self, a, b):
        assert a.rank == b.rank, (a.shape, b.shape)
        out = []
        for da, db in zip(a.shape, b.shape):
            assert da == db or da == 1 or db == 1, (a.shape, b.shape)
            out.append(max(da, db))
        return tuple(out)

    def add(self, a, b):
        r = self._fresh(self._broadcast_shape(a, b))
        self._emit("add", f"%{r.name} = tosa.add %{a.name}, %{b.name} : "
                   + self._sig([a, b], r))
        return self._record("add", r, (a, b))

    def mul(self, a, b):
        r = self._fresh(self._broadcast_shape(a, b))
        shift = self._shift()
        self._emit("mul", f"%{r.name} = tosa.mul %{a.name}, %{b.name}, %{shift} : "
                   + self._sig([a, b, self.ty((1,), "i8")], r))
        return self._record("mul", r, (a, b))

    def concat(self, values, axis=3):
        if len(values) == 1:
            return values[0]
        shape = list(values[0].shape)
        shape[axis] = sum(v.shape[axis] for v in values)
        r = self._fresh(shape)
        names = ", ".join(f"%{v.name}" for v in values)
        self._emit("concat", f"%{r.name} = tosa.concat {names} {{axis = {axis} : i32}} : "
                   + self._sig(values, r))
        return self._record("concat", r, values, axis=axis)

    def slice(self, x, start, size):
        start_c, size_c = self._shape_const(start), self._shape_const(size)
        r = self._fresh(size)
        n = len(size)
        self._emit("slice", f"%{r.name} = tosa.slice %{x.name}, %{start_c}, %{size_c} : "
                   + self._sig([x, f"!tosa.shape<{n}>", f"!tosa.shape<{n}>"], r))
        return self._record("slice", r, (x,), start=tuple(start))

    def reshape(self, x, shape):
        assert math.prod(shape) == math.prod(x.shape), (x.shape, shape)
        s = self._shape_const(shape)
        r = self._fresh(shape)
        self._emit("reshape", f"%{r.name} = tosa.reshape %{x.name}, %{s} : "
                   + self._sig([x, f"!tosa.shape<{len(shape)}>"], r))
        return self._record("reshape", r, (x,))

    def matmul(self, a, b):
        """Batched matmul [B,M,K] x [B,K,N] -> [B,M,N]."""
        assert a.rank == 3 and b.rank == 3 and a.shape[2] == b.shape[1]
        r = self._fresh((a.shape[0], a.shape[1], b.shape[2]))
        zp = self.zero_point()
        self._emit("matmul", f"%{r.name} = tosa.matmul %{a.name}, %{b.name}, %{zp.name}, "
                   f"%{zp.name} : " + self._sig([a, b, zp, zp], r))
        return self._record("matmul", r, (a, b))

    # ------------------------------------------- ops of the backward pass
    def pad(self, x, pads, lowest=False):
        """tosa.pad by ``pads`` = [(lo, hi)] per dimension, with zeros or
        (``lowest``) the lowest finite value."""
        if not any(lo or hi for lo, hi in pads):
            return x
        flat = self._shape_const([v for lh in pads for v in lh])
        if lowest:
            fill = self._tosa_const(("lowest",), "lowest", "-" + _DTYPE_MAX[self.dtype],
                                    self.ty((1,)))
        else:
            fill = self.zero_point().name
        r = self._fresh([d + lo + hi for d, (lo, hi) in zip(x.shape, pads)])
        n = 2 * x.rank
        self._emit("pad", f"%{r.name} = tosa.pad %{x.name}, %{flat}, %{fill} : "
                   + self._sig([x, f"!tosa.shape<{n}>", self.ty((1,))], r))
        return r

    def transpose(self, x, perms):
        if list(perms) == sorted(perms):
            return x
        r = self._fresh([x.shape[p] for p in perms], x.dtype)
        self._emit("transpose", f"%{r.name} = tosa.transpose %{x.name} {{perms = "
                   f"array<i32: {', '.join(str(p) for p in perms)}>}} : "
                   + self._sig([x], r))
        return r

    def reverse(self, x, axis):
        if x.shape[axis] == 1:
            return x
        r = self._fresh(x.shape, x.dtype)
        self._emit("reverse", f"%{r.name} = tosa.reverse %{x.name} {{axis = {axis} : i32}} : "
                   + self._sig([x], r))
        return r

    def reduce(self, op, x, axis):
        """tosa.reduce_sum / reduce_max over ``axis`` (kept as size 1)."""
        if x.shape[axis] == 1:
            return x
        shape = list(x.shape)
        shape[axis] = 1
        r = self._fresh(shape, x.dtype)
        self._emit(f"reduce_{op}", f"%{r.name} = tosa.reduce_{op} %{x.name} "
                   f"{{axis = {axis} : i32}} : " + self._sig([x], r))
        return r

    def unary(self, op, x):
        """An elementwise unary tosa op (exp, log, reciprocal, logical_not)."""
        r = self._fresh(x.shape, x.dtype)
        self._emit(op, f"%{r.name} = tosa.{op} %{x.name} : " + self._sig([x], r))
        return r

    def binary(self, op, a, b, dtype=None):
        """A broadcasting elementwise binary tosa op without attributes (sub,
        greater, equal, logical_and, logical_or)."""
        r = self._fresh(self._broadcast_shape(a, b), dtype or a.dtype)
        self._emit(op, f"%{r.name} = tosa.{op} %{a.name}, %{b.name} : "
                   + self._sig([a, b], r))
        return r

    def compare(self, op, a, b):
        return self.binary(op, a, b, "i1")

    def select(self, cond, a, b):
        r = self._fresh(self._broadcast_shape(cond, Value("", self._broadcast_shape(a, b))))
        self._emit("select", f"%{r.name} = tosa.select %{cond.name}, %{a.name}, "
                   f"%{b.name} : " + self._sig([cond, a, b], r))
        return r

    def tile(self, x, multiples):
        m = self._shape_const(multiples)
        r = self._fresh([d * k for d, k in zip(x.shape, multiples)])
        self._emit("tile", f"%{r.name} = tosa.tile %{x.name}, %{m} : "
                   + self._sig([x, f"!tosa.shape<{len(multiples)}>"], r))
        return r

    def dense(self, name, shape, values):
        """A constant tensor: a splat (``values`` a number) or a list."""
        name = name + "_" + "x".join(str(d) for d in shape)
        if isinstance(values, (int, float)):
            literal = f"{float(values):.8e}"
        else:
            def nest(flat, dims):
                if not dims:
                    return f"{float(flat[0]):.8e}"
                step = len(flat) // dims[0]
                return "[" + ", ".join(nest(flat[i * step:(i + 1) * step], dims[1:])
                                       for i in range(dims[0])) + "]"
            literal = nest(list(values), list(shape))
            name = f"{name}_{len(self._consts)}"
        key = ("dense", name, tuple(shape), literal)
        return Value(self._tosa_const(key, name, literal, self.ty(shape)), tuple(shape))

    # ------------------------------------------------------------ layers
    def relu(self, x):
        """ReLU as tosa.clamp, memoised per input value."""
        if x.name not in self._relu_cache:
            self._relu_cache[x.name] = self.clamp(x, "0.000000e+00", _DTYPE_MAX[self.dtype])
        return self._relu_cache[x.name]

    def conv(self, x, cout, k, stride=1, pad=0, dilation=1, bias=True, name="conv"):
        """Dense convolution creating its OHWI weight (+ folded-BN bias)."""
        kh, kw = _pair(k)
        w = self.weight(f"{name}_w", (cout, kh, kw, x.c))
        b = self.weight(f"{name}_b", (cout,)) if bias else self.zero_point()
        return self.conv2d(x, w, b, stride, dilation, pad)

    def dwconv(self, x, k, stride=1, pad=0, dilation=1, bias=False, name="dw"):
        """Depthwise convolution (multiplier 1); by default without bias,
        as in separable convolutions where BN follows the pointwise conv."""
        kh, kw = _pair(k)
        w = self.weight(f"{name}_w", (kh, kw, x.c, 1))
        b = self.weight(f"{name}_b", (x.c,)) if bias else self.zero_point()
        return self.depthwise_conv2d(x, w, b, stride, dilation, pad)

    def add_n(self, values):
        acc = values[0]
        for v in values[1:]:
            acc = self.add(acc, v)
        return acc

    def global_avg_pool(self, x):
        return self.avg_pool2d(x, x.hw, 1, "valid")

    def linear(self, x, nout, name="fc"):
        """Fully connected layer on [N,1,1,C] or [N,C] via 3-D tosa.matmul."""
        n, cin = x.shape[0], x.shape[-1]
        a = self.reshape(x, (1, n, cin))
        w = self.weight(f"{name}_w", (1, cin, nout))
        b = self.weight(f"{name}_b", (1, 1, nout))
        y = self.add(self.matmul(a, w), b)
        return self.reshape(y, (n, nout))

    # ------------------------------------------------------------ output
    def finish(self, results, func_name="forward", header=(), with_main=False,
               caller_allocated_results=False):
        """Render the module: header comments, the function, optional @main."""
        args = ", ".join(f"%{v.name}: {self.ty(v.shape)}" for v, _ in self.args)
        rets = ", ".join(self.ty(r.shape) for r in results)
        lines = [f"// {h}" for h in header]
        lines.append("module {")
        attrs = (" attributes {memopt.caller_allocated_results}"
                 if caller_allocated_results else "")
        lines.append(f"  func.func @{func_name}({args}) -> ({rets}){attrs} {{")
        lines += ["    " + l for l in self._consts + self._body]
        names = ", ".join(f"%{r.name}" for r in results)
        lines.append(f"    return {names} : {rets}")
        lines.append("  }")
        if with_main:
            lines += self._main(func_name, results)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _main(self, func_name, results):
        """A runnable @main: deterministic, varied inputs and weights (element
        k of argument i is ((k * 37 + i * 11) % 21 - 10) / 100, written as
        raw little-endian f32 hex; the ``label`` of a training step is one-hot
        with class (3 n + 1) mod K for sample n), calls the model, prints every
        result with printMemrefF32. Varied data make a wrong buffer visible in
        the output.
        """
        assert self.dtype == "f32", "--with-main needs --dtype f32"
        lines = ["  func.func @main() {"]
        for i, (v, _) in enumerate(self.args):
            count = math.prod(v.shape)
            if v.name == "label":
                classes = v.shape[-1]
                values = [float(k % classes == (3 * (k // classes) + 1) % classes)
                          for k in range(count)]
            else:
                values = [((k * 37 + i * 11) % 21 - 10) / 100.0 for k in range(count)]
            data = struct.pack(f"<{count}f", *values)
            lines.append(f'    %a{i} = arith.constant dense<"0x{data.hex().upper()}"> : '
                         f"{self.ty(v.shape)}")
        operands = ", ".join(f"%a{i}" for i in range(len(self.args)))
        arg_tys = ", ".join(self.ty(v.shape) for v, _ in self.args)
        res = ", ".join(f"%r{i}" for i in range(len(results)))
        rets = ", ".join(self.ty(r.shape) for r in results)
        lines.append(f"    {res} = call @{func_name}({operands}) : ({arg_tys}) -> ({rets})")
        for i, r in enumerate(results):
            lines.append(f"    %u{i} = tensor.cast %r{i} : {self.ty(r.shape)} to tensor<*xf32>")
            lines.append(f"    call @printMemrefF32(%u{i}) : (tensor<*xf32>) -> ()")
        lines.append("    return")
        lines.append("  }")
        lines.append("  func.func private @printMemrefF32(tensor<*xf32>) "
                     "attributes {llvm.emit_c_interface}")
        return lines


# ============================================================================
# Training step (--train)
# ============================================================================

class Backward:
    """Reverse-mode differentiation of a builder's tape, by hand-derived rules
    that are exact in real arithmetic:

      * conv2d: input gradient = stride-1 convolution of the zero-dilated
        output gradient with the flipped, IO-transposed filter (padding
        k_eff-1-pad); filter gradient = convolution of the NHWC->CHWN input
        with the NHWC->CHWN output gradient as filter, stride and dilation
        swapped, transposed back to OHWI;
      * depthwise conv2d (multiplier 1): the same with per-channel filters;
        the filter gradient folds the batch into the channels and sums it;
      * max pool: the gradient goes to the first maximum of each window in
        row-major order (as PyTorch), one strided window offset at a time;
      * avg pool: the gradient divided by each window's count of unpadded
        elements, spread by a depthwise convolution with ones (a tile for a
        global pool);
      * clamp (ReLU, ReLU6): passes where lo < output < hi;
      * add and mul with broadcasting, matmul, reshape, slice, concat.
    """

    def __init__(self, b, wrt):
        self.b = b
        self.grads = {}
        self.needs = {v.name for v in wrt}
        for _, result, operands, _ in b.tape:
            if any(v.name in self.needs for v in operands):
                self.needs.add(result.name)

    def run(self, out, grad):
        self.grads[out.name] = grad
        for kind, result, operands, attrs in reversed(self.b.tape):
            g = self.grads.pop(result.name, None)
            if g is not None:
                getattr(self, "_" + kind)(g, result, *operands, **attrs)
        return self.grads

    def _accumulate(self, v, g):
        if v.name not in self.needs:
            return
        assert g.shape == v.shape, (v, g.shape)
        old = self.grads.get(v.name)
        self.grads[v.name] = g if old is None else self.b.add(old, g)

    def _wants(self, v):
        return v.name in self.needs

    def _reduce_to(self, g, shape):
        """Sum the broadcast dimensions of ``g`` back to ``shape``."""
        for axis, d in enumerate(shape):
            if d == 1 and g.shape[axis] != 1:
                g = self.b.reduce("sum", g, axis)
        return g

    def _dilate(self, g, stride):
        """Insert stride-1 zeros after every row and column of an NHWC
        tensor: [N, H*sh, W*sw, C]."""
        sh, sw = stride
        if sh == sw == 1:
            return g
        n, h, w, c = g.shape
        t = self.b.reshape(g, (n, h, 1, w, 1, c))
        t = self.b.pad(t, [(0, 0), (0, 0), (0, sh - 1), (0, 0), (0, sw - 1), (0, 0)])
        return self.b.reshape(t, (n, h * sh, w * sw, c))

    def _spread(self, g, x_shape, kernel, stride, dilation, pad, conv):
        """Input gradient of a window op: ``conv(dilated g, padding)`` with a
        stride-1 convolution whose filter the caller flips."""
        d = self._dilate(g, stride)
        pads = []
        for i in range(2):
            keff = (kernel[i] - 1) * dilation[i] + 1
            lo, hi = pad[2 * i], pad[2 * i + 1]
            lo2, hi2 = keff - 1 - lo, keff - 1 - hi - (stride[i] - 1)
            assert lo2 >= 0, "padding larger than the window"
            pads.append([lo2, hi2])
        if pads[0][1] < 0 or pads[1][1] < 0:
            n, h, w, c = d.shape
            d = self.b.slice(d, (0, 0, 0, 0), (n, h + min(pads[0][1], 0),
                                               w + min(pads[1][1], 0), c))
            pads = [[lo, max(hi, 0)] for lo, hi in pads]
        dx = conv(d, HW(tuple(pads[0]), tuple(pads[1])))
        assert dx.shape == tuple(x_shape), (dx.shape, x_shape)
        return dx

    def _bias(self, g, bias):
        if self._wants(bias):
            s = g
            for axis in range(3):
                s = self.b.reduce("sum", s, axis)
            self._accumulate(bias, self.b.reshape(s, bias.shape))

    def _conv2d(self, g, y, x, w, bias, stride, dilation, pad):
        b = self.b
        zero = b.zero_point()
        if self._wants(x):
            wf = b.reverse(b.reverse(b.transpose(w, (3, 1, 2, 0)), 1), 2)
            self._accumulate(x, self._spread(
                g, x.shape, w.shape[1:3], stride, dilation, pad,
                lambda d, p: b.conv2d(d, wf, zero, 1, dilation, p)))
        if self._wants(w):
            xt = b.transpose(x, (3, 1, 2, 0))
            gt = b.transpose(g, (3, 1, 2, 0))
            gw = b.conv2d(xt, gt, zero, dilation, stride,
                          HW((pad[0], pad[1]), (pad[2], pad[3])))
            self._accumulate(w, b.transpose(gw, (3, 1, 2, 0)))
        self._bias(g, bias)

    def _depthwise_conv2d(self, g, y, x, w, bias, stride, dilation, pad):
        b = self.b
        assert w.shape[3] == 1, "--train supports depthwise multiplier 1 only"
        zero = b.zero_point()
        if self._wants(x):
            wf = b.reverse(b.reverse(w, 0), 1)
            self._accumulate(x, self._spread(
                g, x.shape, w.shape[0:2], stride, dilation, pad,
                lambda d, p: b.depthwise_conv2d(d, wf, zero, 1, dilation, p)))
        if self._wants(w):
            n, h, wd, c = x.shape
            _, oh, ow, _ = g.shape
            xt = b.reshape(b.transpose(x, (1, 2, 0, 3)), (1, h, wd, n * c))
            gt = b.reshape(b.transpose(g, (1, 2, 0, 3)), (oh, ow, n * c, 1))
            gw = b.depthwise_conv2d(xt, gt, zero, dilation, stride,
                                    HW((pad[0], pad[1]), (pad[2], pad[3])))
            gw = b.reduce("sum", b.reshape(gw, (w.shape[0], w.shape[1], n, c)), 2)
            self._accumulate(w, b.reshape(gw, w.shape))
        self._bias(g, bias)

    def _max_pool2d(self, g, y, x, kernel, stride, pad):
        if not self._wants(x):
            return
        b = self.b
        n, h, w, c = x.shape
        _, oh, ow, _ = y.shape
        (kh, kw), (sh, sw) = kernel, stride
        if (kh, kw) == (sh, sw) and not any(pad):
            self._accumulate(x, self._max_pool_tiles(g, y, x, kh, kw))
            return
        # Padded input with room for oh*sh rows from any offset.
        xp = b.pad(x, [(0, 0), (pad[0], pad[1] + sh - 1), (pad[2], pad[3] + sw - 1),
                       (0, 0)], lowest=True)
        zero = b.scalar(0.0)
        taken, total = None, None
        for ky in range(kh):
            for kx in range(kw):
                win = b.slice(xp, (0, ky, kx, 0), (n, oh * sh, ow * sw, c))
                if sh > 1 or sw > 1:
                    win = b.reshape(win, (n, oh, sh, ow, sw, c))
                    win = b.slice(win, (0,) * 6, (n, oh, 1, ow, 1, c))
                    win = b.reshape(win, (n, oh, ow, c))
                hit = b.compare("equal", win, y)
                if taken is None:
                    first, taken = hit, hit
                else:
                    first = b.binary("logical_and", hit, b.unary("logical_not", taken))
                    taken = b.binary("logical_or", taken, hit)
                part = self._dilate(b.select(first, g, zero), stride)
                part = b.pad(part, [(0, 0), (ky, kh - 1 - ky), (kx, kw - 1 - kx), (0, 0)])
                total = part if total is None else b.add(total, part)
        self._accumulate(x, b.slice(total, (0, pad[0], pad[2], 0), x.shape))

    def _max_pool_tiles(self, g, y, x, kh, kw):
        """Max-pool input gradient for windows that tile the input (kernel =
        stride, no padding): per offset on a [N, OH, KH, OW, KW, C] view,
        the parts concatenated back, with no padded full-size temporaries."""
        b = self.b
        n, h, w, c = x.shape
        _, oh, ow, _ = y.shape
        x6 = b.reshape(x, (n, oh, kh, ow, kw, c))
        y6 = b.reshape(y, (n, oh, 1, ow, 1, c))
        g6 = b.reshape(g, (n, oh, 1, ow, 1, c))
        zero = b.scalar(0.0, 6)
        taken, rows = None, []
        for ky in range(kh):
            parts = []
            for kx in range(kw):
                win = b.slice(x6, (0, 0, ky, 0, kx, 0), (n, oh, 1, ow, 1, c))
                hit = b.compare("equal", win, y6)
                if taken is None:
                    first, taken = hit, hit
                else:
                    first = b.binary("logical_and", hit, b.unary("logical_not", taken))
                    taken = b.binary("logical_or", taken, hit)
                parts.append(b.select(first, g6, zero))
            rows.append(b.concat(parts, axis=4))
        return b.reshape(b.concat(rows, axis=2), x.shape)

    def _avg_pool2d(self, g, y, x, kernel, stride, pad):
        if not self._wants(x):
            return
        b = self.b
        n, h, w, c = x.shape
        _, oh, ow, _ = y.shape

        def counts(size, k, s, lo, out):
            return [min(o * s - lo + k, size) - max(o * s - lo, 0) for o in range(out)]
        rows = counts(h, kernel[0], stride[0], pad[0], oh)
        cols = counts(w, kernel[1], stride[1], pad[2], ow)
        inv = [1.0 / (r * q) for r in rows for q in cols]
        if len(set(inv)) == 1:
            scale = b.scalar(inv[0])
        else:
            scale = b.dense("avg_pool_inv_count", (1, oh, ow, 1), inv)
        g = b.mul(g, scale)
        if (oh, ow) == (1, 1) and tuple(kernel) == (h, w) and not any(pad):
            dx = b.tile(g, (1, h, w, 1))
        else:
            ones = b.dense("ones", (kernel[0], kernel[1], c, 1), 1.0)
            dx = self._spread(g, x.shape, kernel, stride, (1, 1), pad,
                              lambda d, p: b.depthwise_conv2d(d, ones, b.zero_point(),
                                                              1, 1, p))
        self._accumulate(x, dx)

    def _clamp(self, g, y, x, lo, hi):
        b = self.b
        rank = y.rank
        mask = b.compare("greater", y, b.scalar(float(lo), rank))
        if hi != _DTYPE_MAX[b.dtype]:
            mask = b.binary("logical_and", mask,
                            b.compare("greater", b.scalar(float(hi), rank), y))
        self._accumulate(x, b.select(mask, g, b.scalar(0.0, rank)))

    def _add(self, g, y, a, c):
        self._accumulate(a, self._reduce_to(g, a.shape))
        self._accumulate(c, self._reduce_to(g, c.shape))

    def _mul(self, g, y, a, c):
        if self._wants(a):
            self._accumulate(a, self._reduce_to(self.b.mul(g, c), a.shape))
        if self._wants(c):
            self._accumulate(c, self._reduce_to(self.b.mul(g, a), c.shape))

    def _matmul(self, g, y, a, c):
        """y = a c: da = g c^T, dc = a^T g. tosa.matmul transposes no
        operand, so each product is taken in the form that transposes the
        fewest elements: g c^T or (c g^T)^T, a^T g or (g^T a)^T. A fully
        connected layer's gradient then never materialises its weights
        transposed (VGG-16's fc6: 411 MB)."""
        b = self.b
        t = (0, 2, 1)
        if self._wants(a):
            if c.size <= g.size + a.size:
                self._accumulate(a, b.matmul(g, b.transpose(c, t)))
            else:
                self._accumulate(a, b.transpose(b.matmul(c, b.transpose(g, t)), t))
        if self._wants(c):
            if a.size <= g.size + c.size:
                self._accumulate(c, b.matmul(b.transpose(a, t), g))
            else:
                self._accumulate(c, b.transpose(b.matmul(b.transpose(g, t), a), t))

    def _reshape(self, g, y, x):
        self._accumulate(x, self.b.reshape(g, x.shape))

    def _slice(self, g, y, x, start):
        pads = [(s, d - s - k) for s, d, k in zip(start, x.shape, y.shape)]
        self._accumulate(x, self.b.pad(g, pads))

    def _concat(self, g, y, *parts, axis):
        offset = 0
        for v in parts:
            start = [0] * v.rank
            start[axis] = offset
            offset += v.shape[axis]
            if self._wants(v):
                self._accumulate(v, self.b.slice(g, start, v.shape))


def training_step(b, logits, input_grad):
    """Append the mean softmax cross-entropy of ``logits`` [N, K] against a
    one-hot ``label`` argument and the backward pass. Returns the results:
    the loss (tensor<1x...>), the gradient of every weight in argument order,
    and, with ``input_grad``, that of the input."""
    if logits.rank != 2:
        raise ValueError(f"--train needs [N, classes] logits, got {logits.shape}")
    n = logits.shape[0]
    inputs = [v for v, w in b.args if not w]
    weights = [v for v, w in b.args if w]
    label = b.input("label", logits.shape)
    b.args.insert(1, b.args.pop())          # (input, label, weights...)
    b.taping = False
    b.comment("softmax cross-entropy, mean over the batch")
    shifted = b.binary("sub", logits, b.reduce("max", logits, 1))
    exp = b.unary("exp", shifted)
    total = b.reduce("sum", exp, 1)
    logp = b.binary("sub", shifted, b.unary("log", total))
    nll = b.reduce("sum", b.reduce("sum", b.mul(label, logp), 1), 0)
    loss = b.reshape(b.mul(nll, b.scalar(-1.0 / n, 2)), (1,))
    prob = b.mul(exp, b.unary("reciprocal", total))
    dlogits = b.mul(b.binary("sub", prob, label), b.scalar(1.0 / n, 2))
    b.comment("backward")
    wrt = weights + (inputs if input_grad else [])
    grads = Backward(b, wrt).run(logits, dlogits)
    missing = [v.name for v in wrt if v.name not in grads]
    if missing:
        raise ValueError(f"no gradient reaches {', '.join(missing)}")
    return [loss] + [grads[v.name] for v in wrt]


# ============================================================================
# Shared building blocks
# ============================================================================

def factorized_reduce(b, x, cout, relu):
    """Halve H and W with two 1x1/2 convolutions offset by one pixel, concat.

    Path 1 reads x, path 2 reads x shifted by one row and column with zero
    fill at the bottom/right (TF-slim ``factorized_reduction``; for the even
    sizes it supports, identical to DARTS ``FactorizedReduce``, which reads
    x[:, 1:, 1:] and starts with a ReLU -> ``relu=True``).  The BN after the
    concat is folded into the two convolution biases.
    """
    if relu:
        x = b.relu(x)
    n, h, w, c = x.shape
    half = cout // 2                 # an odd cout gives path 2 one extra channel
    p1 = b.conv(x, half, 1, stride=2, pad="valid", name="path1")
    shifted = b.slice(x, (0, 1, 1, 0), (n, h - 1, w - 1, c))
    p2 = b.conv(shifted, cout - half, 1, stride=2, pad=(0, 1), name="path2")
    return b.concat([p1, p2])


def classifier(b, x, classes, relu_first=True):
    """(ReLU) -> global average pool -> fully connected."""
    if relu_first:
        x = b.relu(x)
    x = b.global_avg_pool(x)
    with b.scope("classifier"):
        return b.linear(x, classes)


# ============================================================================
# Models
# ============================================================================

def model_tiny_cnn(b, o):
    """Tiny two-branch CNN with concat for execution tests, input 8x8x4.

    conv3x3(8)+relu -> {conv1x1(8)+relu | conv3x3(8)+relu -> conv3x3(8)+relu}
    -> concat(16) -> maxpool 2x2/2 -> conv1x1(8)+relu -> global avgpool -> fc(10).
    """
    size = o.image or 8
    x = b.input("input", (o.batch, size, size, 4))
    c0 = b.relu(b.conv(x, 8, 3, pad=1, name="conv0"))
    a = b.relu(b.conv(c0, 8, 1, name="branch_a"))
    t = b.relu(b.conv(c0, 8, 3, pad=1, name="branch_b1"))
    t = b.relu(b.conv(t, 8, 3, pad=1, name="branch_b2"))
    y = b.concat([a, t])
    y = b.max_pool2d(y, 2, 2, 0)
    y = b.relu(b.conv(y, 8, 1, name="conv3"))
    y = b.global_avg_pool(y)
    return b.linear(y, o.classes or 10, name="fc")


def model_tiny_resnet(b, o):
    """Tiny residual CNN with every op --train differentiates, input 16x16x3.

    conv5x5/2 pad 2 (8) + relu -> maxpool 3x3/2 pad 1 -> residual block
    [depthwise 3x3 dilation 2 + ReLU6, conv1x1] + add + relu -> reduction
    block [conv3x3/2 pad 1 + relu | conv1x1/2 on the cropped input] + add ->
    {avgpool 3x3/1 pad 1 | relu} -> concat(16) -> global avgpool -> fc(10).
    """
    size = o.image or 16
    x = b.input("input", (o.batch, size, size, 3))
    y = b.relu(b.conv(x, 8, 5, 2, 2, name="stem"))
    y = b.max_pool2d(y, 3, 2, 1)
    with b.scope("block1"):
        h = b.clamp(b.dwconv(y, 3, 1, 2, dilation=2, bias=True),
                    "0.000000e+00", "6.000000e+00")
        y = b.relu(b.add(b.conv(h, 8, 1, name="pw"), y))
    with b.scope("block2"):
        h = b.relu(b.conv(y, 8, 3, 2, 1, name="conv"))
        y = b.add(h, b.conv(y, 8, 1, 2, 0, name="shortcut"))
    y = b.concat([b.avg_pool2d(y, 3, 1, 1), b.relu(y)])
    y = b.global_avg_pool(y)
    return b.linear(y, o.classes or 10, name="fc")


def model_tiny_vgg(b, o):
    """Tiny VGG-style CNN for row-band training tests, input 12x12x3.

    conv3x3(4)+relu -> conv3x3(4)+relu6 -> maxpool 2x2/2 -> residual block
    [conv3x3(4)+relu, conv3x3(4)] + add + relu -> maxpool 2x2/2 -> global
    avgpool -> fc(10).
    """
    size = o.image or 12
    x = b.input("input", (o.batch, size, size, 3))
    y = b.relu(b.conv(x, 4, 3, pad=1, name="conv1"))
    y = b.clamp(b.conv(y, 4, 3, pad=1, name="conv2"), "0.000000e+00", "6.000000e+00")
    y = b.max_pool2d(y, 2, 2, 0)
    h = b.relu(b.conv(y, 4, 3, pad=1, name="conv3"))
    y = b.relu(b.add(b.conv(h, 4, 3, pad=1, name="conv4"), y))
    y = b.max_pool2d(y, 2, 2, 0)
    y = b.global_avg_pool(y)
    return b.linear(y, o.classes or 10, name="fc")


def model_mlp(b, o):
    """Three-layer perceptron 784-256-128-10: 3-D tosa.matmul + add + relu."""
    dims = [784, 256, 128, o.classes or 10]
    x = b.input("input", (o.batch, dims[0]))
    h = b.reshape(x, (1, o.batch, dims[0]))
    for i in range(len(dims) - 1):
        with b.scope(f"fc{i}"):
            w = b.weight("w", (1, dims[i], dims[i + 1]))
            bias = b.weight("b", (1, 1, dims[i + 1]))
            h = b.add(b.matmul(h, w), bias)
            if i < len(dims) - 2:
                h = b.relu(h)
    return b.reshape(h, (o.batch, dims[-1]))


# ---------------------------------------------------------------- ResNet

def _basic_block(b, x, planes, stride):
    """torchvision BasicBlock: 3x3 -> 3x3, projection shortcut on change."""
    out = b.relu(b.conv(x, planes, 3, stride, 1, name="conv1"))
    out = b.conv(out, planes, 3, 1, 1, name="conv2")
    short = x
    if stride != 1 or x.c != planes:
        short = b.conv(x, planes, 1, stride, 0, name="downsample")
    return b.relu(b.add(out, short))


def _bottleneck(b, x, planes, stride):
    """torchvision Bottleneck (v1.5: stride on the 3x3), expansion 4."""
    out = b.relu(b.conv(x, planes, 1, 1, 0, name="conv1"))
    out = b.relu(b.conv(out, planes, 3, stride, 1, name="conv2"))
    out = b.conv(out, planes * 4, 1, 1, 0, name="conv3")
    short = x
    if stride != 1 or x.c != planes * 4:
        short = b.conv(x, planes * 4, 1, stride, 0, name="downsample")
    return b.relu(b.add(out, short))


def _scaled(channels, width):
    """A layer width times the --width multiplier, at least 1."""
    return max(1, int(round(channels * width)))


def _resnet(b, o, block, layers):
    size = o.image or 224
    x = b.input("input", (o.batch, size, size, 3))
    with b.scope("conv1"):
        y = b.relu(b.conv(x, _scaled(64, o.width), 7, 2, 3))
    y = b.max_pool2d(y, 3, 2, 1)
    widths = [_scaled(c, o.width) for c in (64, 128, 256, 512)]
    for li, (planes, blocks) in enumerate(zip(widths, layers)):
        for bi in range(blocks):
            stride = 2 if (li > 0 and bi == 0) else 1
            b.comment(f"layer{li + 1}.{bi}")
            with b.scope(f"layer{li + 1}_{bi}"):
                y = block(b, y, planes, stride)
    return classifier(b, y, o.classes or 1000, relu_first=False)


def model_resnet18(b, o):
    """ResNet-18 (He et al., CVPR 2016) with torchvision shapes, 224x224.

    7x7/2 stem conv (64), 3x3/2 max pool, BasicBlocks [2,2,2,2] with widths
    64..512 and 1x1 projection shortcuts, global avg pool, fc 1000."""
    return _resnet(b, o, _basic_block, (2, 2, 2, 2))


def model_resnet50(b, o):
    """ResNet-50 (He et al., CVPR 2016) with torchvision v1.5 shapes, 224x224.

    Same stem; Bottleneck blocks [3,4,6,3] (1x1, 3x3 with the stride, 1x1 x4
    expansion) with projection shortcuts, global avg pool, fc 1000."""
    return _resnet(b, o, _bottleneck, (3, 4, 6, 3))


# ---------------------------------------------------------------- VGG

VGG16_CONFIG = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
                512, 512, 512, "M", 512, 512, 512, "M")


def model_vgg16(b, o):
    """VGG-16 (Simonyan & Zisserman, ICLR 2015), configuration D, 224x224.

    13 conv3x3/1 pad 1 + ReLU in five stacks (64, 128, 256, 512, 512 wide),
    each closed by a 2x2/2 max pool; flatten (7x7x512 at 224), fc 4096 + ReLU,
    fc 4096 + ReLU, fc 1000. No BatchNorm; dropout omitted; no adaptive pool
    (a smaller --image flattens a smaller map)."""
    size = o.image or 224
    x = b.input("input", (o.batch, size, size, 3))
    y, stack, index = x, 1, 1
    for v in VGG16_CONFIG:
        if v == "M":
            y = b.max_pool2d(y, 2, 2, 0)
            stack, index = stack + 1, 1
            continue
        with b.scope(f"conv{stack}_{index}"):
            y = b.relu(b.conv(y, _scaled(v, o.width), 3, 1, 1))
        index += 1
    y = b.reshape(y, (o.batch, math.prod(y.shape[1:])))
    for name in ("fc6", "fc7"):
        y = b.relu(b.linear(y, _scaled(4096, o.width), name=name))
    return b.linear(y, o.classes or 1000, name="fc8")


# ---------------------------------------------------------------- MobileNetV2

def _make_divisible(v, divisor=8):
    """torchvision's channel rounding: nearest multiple of 8, at least 8,
    never more than 10% below ``v``."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def model_mobilenetv2(b, o):
    """MobileNetV2 (Sandler et al., CVPR 2018), width 1.0, 224x224.

    3x3/2 stem conv 32 + ReLU6; 17 inverted residual blocks (t, c, n, s) =
    (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) (6,96,3,1) (6,160,3,2)
    (6,320,1,1): 1x1 expansion by t + ReLU6, 3x3 depthwise (stride s on the
    first of n) + ReLU6, linear 1x1 projection, residual add when the stride
    is 1 and the widths match; 1x1 conv 1280 + ReLU6, global avg pool, fc 1000.
    Channel rounding as torchvision (--width scales every layer)."""
    size = o.image or 224
    relu6 = lambda v: b.clamp(v, "0.000000e+00", "6.000000e+00")
    x = b.input("input", (o.batch, size, size, 3))
    with b.scope("stem"):
        y = relu6(b.conv(x, _make_divisible(32 * o.width), 3, 2, 1))
    settings = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
    block = 0
    for t, c, n, s in settings:
        cout = _make_divisible(c * o.width)
        for i in range(n):
            stride = s if i == 0 else 1
            b.comment(f"inverted residual {block}: t={t}, {y.c} -> {cout}, stride {stride}")
            with b.scope(f"block{block}"):
                h = y
                if t != 1:
                    h = relu6(b.conv(h, y.c * t, 1, name="expand"))
                h = relu6(b.dwconv(h, 3, stride, 1, bias=True))
                h = b.conv(h, cout, 1, name="project")
                y = b.add(h, y) if stride == 1 and y.c == cout else h
            block += 1
    with b.scope("head"):
        y = relu6(b.conv(y, _make_divisible(1280 * max(1.0, o.width)), 1))
    return classifier(b, y, o.classes or 1000, relu_first=False)


# ---------------------------------------------------------------- RandWire

def ws_graph(n, k, p, rng):
    """Watts-Strogatz: ring lattice (k/2 neighbours per side), then each
    clockwise edge (v, v+i) is rewired with probability p to a uniformly
    chosen node that is neither v nor already adjacent."""
    edges = set()
    for v in range(n):
        for i in range(1, k // 2 + 1):
            if (v + i) % n != v:           # tiny rings (n <= k/2) have no self-loops
                edges.add(frozenset((v, (v + i) % n)))
    for i in range(1, k // 2 + 1):
        for v in range(n):
            e = frozenset((v, (v + i) % n))
            if len(e) < 2 or e not in edges or rng.random() >= p:
                continue
            choices = [u for u in range(n)
                       if u != v and frozenset((v, u)) not in edges]
            if choices:
                edges.remove(e)
                edges.add(frozenset((v, rng.choice(choices))))
    return {tuple(sorted(e)) for e in edges}


def er_graph(n, p, rng):
    """Erdos-Renyi: every pair is connected independently with probability p."""
    return {(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < p}


def ba_graph(n, m, rng):
    """Barabasi-Albert: start with m unconnected nodes; each new node adds m
    distinct edges to existing nodes chosen proportionally to degree (the
    first new node connects to all m initial nodes)."""
    edges = set()
    targets = list(range(m))
    pool = []                                  # node repeated once per degree
    for src in range(m, n):
        for t in targets:
            edges.add((t, src))
        pool.extend(targets)
        pool.extend([src] * m)
        chosen = set()
        while len(chosen) < m:
            chosen.add(rng.choice(pool))
        targets = sorted(chosen)
    return edges


def _randwire_stage(b, x, edges, n, channels, weighted):
    """One RandWire stage: DAG with edges oriented from low to high index.

    Node = aggregation (weighted sum: tosa.mul by a [1,1,1,1] weight argument
    per input edge + tosa.add chain; a single input is passed unscaled, since
    its positive weight folds into the conv) -> ReLU -> 3x3 separable conv
    (depthwise + pointwise) -> BN.
    Nodes without predecessors read the stage input with stride 2; the stage
    output is the unweighted average of the nodes without successors.
    """
    preds = [[] for _ in range(n)]
    succs = [[] for _ in range(n)]
    for u, v in sorted(edges):
        preds[v].append(u)
        succs[u].append(v)
    outs = [None] * n
    for v in range(n):
        with b.scope(f"node{v}"):
            if preds[v]:
                terms = [outs[u] for u in preds[v]]
                if weighted and len(terms) > 1:
                    terms = [b.mul(t, b.weight(f"agg{u}", (1, 1, 1, 1)))
                             for u, t in zip(preds[v], terms)]
                h, stride = b.add_n(terms), 1
            else:
                h, stride = x, 2
            h = b.relu(h)
            h = b.dwconv(h, 3, stride, 1)
            outs[v] = b.conv(h, channels, 1, name="pw")
    sinks = [outs[v] for v in range(n) if not succs[v]]
    y = b.add_n(sinks)
    if len(sinks) > 1:
        y = b.mul(y, b.scalar(1.0 / len(sinks)))
    return y


def _randwire(b, o, make_graph):
    """RandWire small regime (Xie et al., ICCV 2019, Table 1): conv1 3x3 C/2,
    conv2 3x3 C, random-wiring stages conv3 (N/2 nodes, C), conv4 (N, 2C),
    conv5 (N, 4C), classifier 1x1 conv 1280 -> avg pool -> fc.

    ImageNet (--imagenet): 224 input, conv1 and conv2 stride 2 (112, 56), the
    stages halve to 28/14/7.  CIFAR (default): 32 input, conv1/conv2 stride 1,
    stages 16/8/4.  C defaults to 78 (the paper's small-regime setting)."""
    rng = random.Random(o.seed)
    imagenet = o.imagenet
    size = o.image or (224 if imagenet else 32)
    C = o.channels or 78
    N = o.nodes or 32
    s = 2 if imagenet else 1
    x = b.input("input", (o.batch, size, size, 3))
    with b.scope("conv1"):
        y = b.relu(b.conv(x, C // 2, 3, s, 1))
    with b.scope("conv2"):
        y = b.conv(y, C, 3, s, 1)
    for si, (nodes, ch) in enumerate(((max(N // 2, 1), C), (N, 2 * C), (N, 4 * C))):
        edges = make_graph(nodes, rng)
        b.comment(f"conv{si + 3}: {nodes} nodes, {len(edges)} edges, {ch} channels")
        with b.scope(f"conv{si + 3}"):
            y = _randwire_stage(b, y, edges, nodes, ch, not o.no_agg_weights)
    with b.scope("head"):
        y = b.relu(b.conv(b.relu(y), 1280, 1))
    return classifier(b, y, o.classes or (1000 if imagenet else 10), relu_first=False)


def model_randwire_ws(b, o):
    """RandWire-WS(k=4, p=0.75), small regime (Xie et al., ICCV 2019)."""
    return _randwire(b, o, lambda n, rng: ws_graph(n, 4, 0.75, rng))


def model_randwire_er(b, o):
    """RandWire-ER(p=0.2), small regime (Xie et al., ICCV 2019)."""
    return _randwire(b, o, lambda n, rng: er_graph(n, 0.2, rng))


def model_randwire_ba(b, o):
    """RandWire-BA(m=5), small regime (Xie et al., ICCV 2019)."""
    return _randwire(b, o, lambda n, rng: ba_graph(n, 5, rng))


# ---------------------------------------------------- NASNet / AmoebaNet
# Cell specs in the TF-slim / tensorflow-tpu notation: 10 operations (5 pairs),
# the hidden-state index each operation reads (0 = current input after its
# 1x1 conv, 1 = previous-previous input, 2.. = earlier pair outputs), and the
# "used" mask: states with used == 0 are concatenated as the cell output.

NASNET_A_NORMAL = (
    ["separable_5x5_2", "separable_3x3_2", "separable_5x5_2", "separable_3x3_2",
     "avg_pool_3x3", "none", "avg_pool_3x3", "avg_pool_3x3",
     "separable_3x3_2", "none"],
    [0, 1, 1, 1, 0, 1, 1, 1, 0, 0],
    [1, 0, 0, 0, 0, 0, 0])

NASNET_A_REDUCTION = (
    ["separable_5x5_2", "separable_7x7_2", "max_pool_3x3", "separable_7x7_2",
     "avg_pool_3x3", "separable_5x5_2", "none", "avg_pool_3x3",
     "separable_3x3_2", "max_pool_3x3"],
    [0, 1, 0, 1, 0, 1, 3, 2, 2, 0],
    [1, 1, 1, 0, 0, 0, 0])

AMOEBANET_A_NORMAL = (
    ["avg_pool_3x3", "max_pool_3x3", "separable_3x3_2", "none",
     "none", "avg_pool_3x3", "separable_3x3_2", "separable_5x5_2",
     "avg_pool_3x3", "separable_3x3_2"],
    [0, 0, 1, 1, 0, 1, 0, 2, 5, 0],
    [1, 0, 1, 0, 0, 1, 0])

AMOEBANET_A_REDUCTION = (
    ["separable_3x3_2", "avg_pool_3x3", "max_pool_3x3", "separable_7x7_2",
     "max_pool_3x3", "max_pool_3x3", "separable_3x3_2", "1x7_7x1",
     "avg_pool_3x3", "separable_7x7_2"],
    [1, 0, 0, 2, 1, 0, 4, 0, 1, 0],
    [1, 1, 0, 0, 0, 0, 0])


def _slim_op(b, x, op, filters, stride):
    """Apply one TF-slim cell operation (TensorFlow 'SAME' padding)."""
    if op.startswith("separable_"):
        k = int(op.split("_")[1].split("x")[0])
        layers = int(op.split("_")[2])
        for i in range(layers):
            x = b.relu(x)
            x = b.dwconv(x, k, stride if i == 0 else 1, "same", name=f"sep{i}_dw")
            x = b.conv(x, filters, 1, name=f"sep{i}_pw")
        return x
    if op == "none":
        if stride > 1 or x.c != filters:
            x = b.conv(b.relu(x), filters, 1, stride, "same", name="proj")
        return x
    if op == "1x7_7x1":
        # bottleneck version (tensorflow/tpu amoeba_net network_utils)
        mid = filters // 4
        x = b.conv(b.relu(x), mid, 1, name="pre")
        x = b.conv(b.relu(x), mid, (1, 7), (1, stride), HW(0, "same"), name="c1x7")
        x = b.conv(b.relu(x), mid, (7, 1), (stride, 1), HW("same", 0), name="c7x1")
        return b.conv(b.relu(x), filters, 1, name="post")
    if op in ("avg_pool_3x3", "max_pool_3x3"):
        pool = b.avg_pool2d if op.startswith("avg") else b.max_pool2d
        x = pool(x, 3, stride, "same")
        if x.c != filters:
            x = b.conv(x, filters, 1, name="proj")
        return x
    raise ValueError(f"unknown cell operation {op}")


def _slim_cell(b, net, prev, spec, filters, stride):
    """NASNet/AmoebaNet cell following TF-slim ``NasNetABaseCell`` /
    tensorflow-tpu ``BaseCell``: 1x1 on the input, match the previous input
    (factorized reduction or 1x1), five pairwise-add combinations, and concat
    of all unused hidden states."""
    ops, indices, used = spec
    if prev is None:
        prev = net
    elif prev.hw != net.hw:
        with b.scope("prev_fr"):
            prev = factorized_reduce(b, prev, filters, relu=True)
    elif prev.c != filters:
        prev = b.conv(b.relu(prev), filters, 1, name="prev_1x1")
    cur = b.conv(b.relu(net), filters, 1, name="in_1x1")
    states = [cur, prev]
    for i in range(5):
        pair = []
        for j in (2 * i, 2 * i + 1):
            src = indices[j]
            with b.scope(f"comb{i}_{'left' if j % 2 == 0 else 'right'}"):
                pair.append(_slim_op(b, states[src], ops[j], filters,
                                     stride if src < 2 else 1))
        states.append(b.add(pair[0], pair[1]))
    final = states[-1]
    outs = []
    for idx, (s, u) in enumerate(zip(states, used)):
        if u:
            continue
        if s.hw != final.hw or s.c != final.c:
            with b.scope(f"reduce{idx}"):
                if s.hw != final.hw:
                    s = factorized_reduce(b, s, final.c, relu=False)
                else:
                    s = b.conv(s, final.c, 1, name="proj")
        outs.append(s)
    return b.concat(outs)


def _slim_network(b, o, normal, reduction, filters, cells, label):
    """Cell stack of TF-slim NASNet / tensorflow-tpu AmoebaNet.

    CIFAR (default): 3x3 stem conv with 3F filters at 32x32, then
    N normal, reduction, N normal, reduction, N normal (filters F, 2F, 4F).
    ImageNet (--imagenet): 3x3/2 VALID stem conv (32 filters), two reduction
    stem cells (F/4, F/2), then the same three stages at 28/14/7 for 224 input.
    The previous-previous input of every cell is the output two cells back.
    """
    imagenet = o.imagenet
    size = o.image or (224 if imagenet else 32)
    x = b.input("input", (o.batch, size, size, 3))
    total = 3 * cells
    reduction_at = [int(total * k / 3) for k in (1, 2)]
    if imagenet:
        with b.scope("stem"):
            net = b.conv(x, 32, 3, 2, "valid")
        outputs = [None, net]
        scale = 0.25
        for i in range(2):
            b.comment(f"{label} stem reduction cell {i}")
            with b.scope(f"stem_cell{i}"):
                net = _slim_cell(b, net, outputs[-2], reduction, int(filters * scale), 2)
            outputs.append(net)
            scale *= 2
    else:
        with b.scope("stem"):
            net = b.conv(x, 3 * filters, 3, 1, "same")
        outputs = [None, net]
    scale = 1
    for c in range(total):
        if c in reduction_at:
            scale *= 2
            b.comment(f"{label} reduction cell before cell {c}")
            with b.scope(f"reduce{reduction_at.index(c)}"):
                net = _slim_cell(b, net, outputs[-2], reduction, filters * scale, 2)
            outputs.append(net)
        b.comment(f"{label} normal cell {c}")
        with b.scope(f"cell{c}"):
            net = _slim_cell(b, net, outputs[-2], normal, filters * scale, 1)
        outputs.append(net)
    return classifier(b, net, o.classes or (1000 if imagenet else 10))


def model_nasnet(b, o):
    """NASNet-A cell stack (Zoph et al., CVPR 2018), TF-slim cell definitions.

    CIFAR: NASNet-A (6 @ 768), N=6, F=32.  ImageNet: mobile (4 @ 1056),
    N=4, F=44."""
    filters = o.channels or (44 if o.imagenet else 32)
    cells = o.cells or (4 if o.imagenet else 6)
    return _slim_network(b, o, NASNET_A_NORMAL, NASNET_A_REDUCTION, filters, cells,
                         "NASNet-A")


def model_amoebanet(b, o):
    """AmoebaNet-A cell stack (Real et al., AAAI 2019), tensorflow/tpu cells.

    Cell spec 'amoeba_net_a' of tensorflow/tpu amoeba_net model_specs.
    CIFAR: N=6, F=36.  ImageNet: mobile setting N=4, F=50."""
    filters = o.channels or (50 if o.imagenet else 36)
    cells = o.cells or (4 if o.imagenet else 6)
    return _slim_network(b, o, AMOEBANET_A_NORMAL, AMOEBANET_A_REDUCTION, filters,
                         cells, "AmoebaNet-A")


# ---------------------------------------------------------------- DARTS

# DARTS_V2 genotype (Liu et al., ICLR 2019), as published: (op, input) pairs,
# input 0 = output of cell k-2, 1 = output of cell k-1, 2.. = earlier nodes.
DARTS_V2 = {
    "normal": [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0),
               ("sep_conv_3x3", 1), ("sep_conv_3x3", 1), ("skip_connect", 0),
               ("skip_connect", 0), ("dil_conv_3x3", 2)],
    "normal_concat": [2, 3, 4, 5],
    "reduce": [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2),
               ("max_pool_3x3", 1), ("max_pool_3x3", 0), ("skip_connect", 2),
               ("skip_connect", 2), ("max_pool_3x3", 1)],
    "reduce_concat": [2, 3, 4, 5],
}


def _darts_op(b, x, op, c, stride):
    """DARTS operations (PyTorch padding): SepConv = (ReLU, dw, pw, BN) x 2,
    DilConv = ReLU, dw dilation 2, pw, BN; skip with stride 2 = FactorizedReduce."""
    if op == "sep_conv_3x3":
        x = b.dwconv(b.relu(x), 3, stride, 1, name="dw1")
        x = b.conv(x, x.c, 1, name="pw1")
        x = b.dwconv(b.relu(x), 3, 1, 1, name="dw2")
        return b.conv(x, c, 1, name="pw2")
    if op == "dil_conv_3x3":
        x = b.dwconv(b.relu(x), 3, stride, 2, dilation=2, name="dw")
        return b.conv(x, c, 1, name="pw")
    if op == "max_pool_3x3":
        return b.max_pool2d(x, 3, stride, 1)
    if op == "avg_pool_3x3":
        return b.avg_pool2d(x, 3, stride, 1)
    if op == "skip_connect":
        return x if stride == 1 else factorized_reduce(b, x, c, relu=True)
    raise ValueError(f"unknown DARTS operation {op}")


def _darts_cell(b, s0, s1, c, reduction, reduction_prev):
    """DARTS ``Cell``: preprocess both inputs to C channels, 4 nodes each the
    sum of two operations, output = concat of the 4 intermediate nodes."""
    if reduction_prev:
        with b.scope("pre0"):
            s0 = factorized_reduce(b, s0, c, relu=True)
    else:
        s0 = b.conv(b.relu(s0), c, 1, name="pre0")
    s1 = b.conv(b.relu(s1), c, 1, name="pre1")
    key = "reduce" if reduction else "normal"
    ops, concat = DARTS_V2[key], DARTS_V2[key + "_concat"]
    states = [s0, s1]
    for node in range(4):
        hs = []
        for j in (2 * node, 2 * node + 1):
            op, idx = ops[j]
            with b.scope(f"node{node}_{j % 2}"):
                hs.append(_darts_op(b, states[idx], op, c,
                                    2 if reduction and idx < 2 else 1))
        states.append(b.add(hs[0], hs[1]))
    return b.concat([states[i] for i in concat])


def model_darts(b, o):
    """DARTS evaluation network, DARTS_V2 genotype (Liu et al., ICLR 2019).

    CIFAR (``NetworkCIFAR``): C=36, 20 cells (reductions at 1/3 and 2/3),
    3x3 stem with 3C channels.  ImageNet (``NetworkImageNet``): C=48,
    14 cells, two-conv stem0 + stem1 (224 -> 28)."""
    imagenet = o.imagenet
    size = o.image or (224 if imagenet else 32)
    C = o.channels or (48 if imagenet else 36)
    layers = o.layers or (14 if imagenet else 20)
    x = b.input("input", (o.batch, size, size, 3))
    if imagenet:
        with b.scope("stem0"):
            s0 = b.conv(x, C // 2, 3, 2, 1, name="conv1")
            s0 = b.conv(b.relu(s0), C, 3, 2, 1, name="conv2")
        with b.scope("stem1"):
            s1 = b.conv(b.relu(s0), C, 3, 2, 1)
        reduction_prev = True
    else:
        with b.scope("stem"):
            s0 = s1 = b.conv(x, 3 * C, 3, 1, 1)
        reduction_prev = False
    c = C
    for i in range(layers):
        reduction = i in (layers // 3, 2 * layers // 3)
        if reduction:
            c *= 2
        b.comment(f"DARTS_V2 {'reduction' if reduction else 'normal'} cell {i}")
        with b.scope(f"cell{i}"):
            s0, s1 = s1, _darts_cell(b, s0, s1, c, reduction, reduction_prev)
        reduction_prev = reduction
    return classifier(b, s1, o.classes or (1000 if imagenet else 10), relu_first=False)


# ============================================================================
# Driver
# ============================================================================

MODELS = {
    "tiny_cnn": model_tiny_cnn,
    "tiny_resnet": model_tiny_resnet,
    "tiny_vgg": model_tiny_vgg,
    "mlp": model_mlp,
    "resnet18": model_resnet18,
    "resnet50": model_resnet50,
    "vgg16": model_vgg16,
    "mobilenetv2": model_mobilenetv2,
    "randwire_ws": model_randwire_ws,
    "randwire_er": model_randwire_er,
    "randwire_ba": model_randwire_ba,
    "nasnet": model_nasnet,
    "amoebanet": model_amoebanet,
    "darts": model_darts,
}


# Options echoed in the header when they differ from their defaults.
_ECHO_OPTS = ("train", "input_grad", "imagenet", "batch", "image", "width", "classes",
              "dtype",
              "seed", "nodes", "channels", "cells", "layers", "no_agg_weights",
              "func_name", "with_main")


def generate(opts):
    """Build the requested model; returns (MLIR text, Builder)."""
    b = Builder(opts.dtype)
    fn = MODELS[opts.model]
    out = fn(b, opts)
    results = training_step(b, out, opts.input_grad) if opts.train else [out]
    defaults = vars(parse_args(["--model", opts.model]))
    cmd = ["memopt-modelgen.py", "--model", opts.model]
    for key in _ECHO_OPTS:
        val = getattr(opts, key)
        if val != defaults[key]:
            flag = "--" + key.replace("_", "-")
            cmd += [flag] if val is True else [flag, str(val)]
    inputs = [v for v, w in b.args if not w]
    if opts.train:
        what = ("training step: forward, mean softmax cross-entropy against the "
                "one-hot label, backward; returns the loss, the gradient of every "
                "weight in argument order"
                + (" and of the input" if opts.input_grad else ""))
    else:
        what = f"output {b.ty(out.shape)}"
    header = [
        "Generated by: " + " ".join(cmd),
        (fn.__doc__ or "").strip().splitlines()[0],
        "input " + ", ".join(b.ty(v.shape) for v in inputs) + "; " + what,
        f"{len(b.args) - len(inputs)} weight arguments, {b.num_params} parameters, "
        f"{sum(b.op_counts.values())} tosa ops: "
        + ", ".join(f"{k} {v}" for k, v in sorted(b.op_counts.items())),
    ]
    func_name = opts.func_name or ("train_step" if opts.train else "forward")
    text = b.finish(results, func_name, header, opts.with_main,
                    opts.caller_allocated_results)
    return text, b


_WIDTH_MODELS = ("resnet18", "resnet50", "vgg16", "mobilenetv2")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Emit real NN architectures as TOSA MLIR (LLVM 22 syntax).")
    p.add_argument("--model", choices=sorted(MODELS), help="model to emit")
    p.add_argument("--list", action="store_true", help="print model names and exit")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument("--batch", type=int, default=1, help="batch size (default 1)")
    p.add_argument("--image", type=int, default=None,
                   help="input resolution (default: model/regime specific)")
    p.add_argument("--width", type=float, default=1.0,
                   help="width multiplier of every layer (resnet18/50, vgg16, "
                        "mobilenetv2; default 1.0)")
    p.add_argument("--imagenet", action="store_true",
                   help="cell/RandWire models: ImageNet stem and 224x224 input "
                        "instead of the CIFAR stem and 32x32")
    p.add_argument("--classes", type=int, default=None,
                   help="number of classes (default 10 for CIFAR, 1000 for ImageNet)")
    p.add_argument("--dtype", choices=sorted(_DTYPE_MAX), default="f32")
    p.add_argument("--seed", type=int, default=0, help="RandWire graph seed")
    p.add_argument("--nodes", type=int, default=None,
                   help="RandWire N (default 32; the first stage uses N/2)")
    p.add_argument("--channels", type=int, default=None,
                   help="base width: RandWire C, NASNet/AmoebaNet F, DARTS C")
    p.add_argument("--cells", type=int, default=None,
                   help="NASNet/AmoebaNet normal cells per stage (N)")
    p.add_argument("--layers", type=int, default=None,
                   help="DARTS total number of cells")
    p.add_argument("--no-agg-weights", action="store_true",
                   help="RandWire: plain sums instead of weighted sums")
    p.add_argument("--train", action="store_true",
                   help="emit a training step: forward, softmax cross-entropy against "
                        "a one-hot label argument, backward; returns the loss and the "
                        "weight gradients")
    p.add_argument("--input-grad", action="store_true",
                   help="--train: also return the gradient of the input")
    p.add_argument("--caller-allocated-results", action="store_true",
                   help="mark the function memopt.caller_allocated_results: its "
                        "caller allocates the result buffers (--train: the weight "
                        "gradients live in buffers the training loop owns, as the "
                        "weights do), so they are not in the activation peak")
    p.add_argument("--func-name", default=None,
                   help="function name (default forward, train_step with --train)")
    p.add_argument("--with-main", action="store_true",
                   help="also emit a runnable @main (splat inputs, printMemrefF32); f32 only")
    opts = p.parse_args(argv)
    if not opts.list and not opts.model:
        p.error("--model is required (or --list)")
    if opts.batch < 1:
        p.error("--batch must be >= 1")
    if opts.width != 1.0 and opts.model not in _WIDTH_MODELS:
        p.error(f"--width applies to {', '.join(_WIDTH_MODELS)} only")
    if opts.width <= 0:
        p.error("--width must be positive")
    if opts.imagenet and opts.model in ("tiny_cnn", "tiny_resnet", "tiny_vgg", "mlp") + _WIDTH_MODELS:
        p.error(f"--imagenet does not apply to {opts.model} (use --image)")
    if opts.with_main and opts.dtype != "f32":
        p.error("--with-main requires --dtype f32")
    if opts.input_grad and not opts.train:
        p.error("--input-grad requires --train")
    return opts


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    if opts.list:
        for name in MODELS:
            doc = (MODELS[name].__doc__ or "").strip().splitlines()[0]
            print(f"{name:12s} {doc}")
        return 0
    text, _ = generate(opts)
    if opts.output:
        with open(opts.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
