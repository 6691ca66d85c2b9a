#!/usr/bin/env python3
"""randprog: seeded random MLIR programs that exercise memopt's passes.

Every program is one module in LLVM/MLIR 22 syntax with a function @f that
mixes tosa ops, destination-style linalg ops (with single-use, shared and
reused inits), tensor slicing and reshaping, scalar arith/math, memref
allocations with views, casts, loads, stores and deallocs, scf.if/scf.for
whose regions capture values, calls to a private callee and (in the default
mode) unregistered ops, including an unregistered last op.

Every op carries a unique ``rp.id = N : i64`` attribute so that a checker can
match the ops of a transformed program to those of the input
(tools/memopt-reorder-check).

``--exec`` restricts the mix to ops that lower to LLVM (no unregistered ops,
no outs read before written) and adds a runnable @main with deterministic,
varied inputs that prints every result with printMemrefF32.

The output depends only on the seed and the options (Python's own
``random.Random``, no hashing of strings, no clock).
"""

import argparse
import sys
import random

ELEM = "f32"


def ttype(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


class Val:
    """A value in scope: kind is 't' tensor, 'f' f32, 'i' index, 'b' i1,
    'm' memref. Memrefs know the allocations they may alias (bases) and
    whether they have an identity layout."""

    def __init__(self, name, kind, shape=(), mtype=None, bases=(),
                 identity=False, is_empty=False, initialized=True):
        self.name = name
        self.kind = kind
        self.shape = tuple(shape)
        self.mtype = mtype
        self.bases = tuple(bases)
        self.identity = identity
        self.is_empty = is_empty
        self.initialized = initialized

    @property
    def type(self):
        if self.kind == "t":
            return ttype(self.shape)
        if self.kind == "f":
            return "f32"
        if self.kind == "i":
            return "index"
        if self.kind == "b":
            return "i1"
        return self.mtype


class Module:
    """Shared state of one module: op ids, value names, callees."""

    def __init__(self, rng, exec_mode, no_tosa=False):
        self.rng = rng
        self.exec = exec_mode
        self.no_tosa = no_tosa
        self.next_id = 0
        self.next_name = 0
        self.callees = {}  # key -> (name, lines)
        self.funcs = []

    def rid(self):
        self.next_id += 1
        return "rp.id = %d : i64" % self.next_id

    def fresh(self, prefix="v"):
        self.next_name += 1
        return "%s%d" % (prefix, self.next_name)


class Scope:
    def __init__(self, parent=None):
        self.parent = parent
        self.vals = []
        self.consts = {}
        self.dead = parent.dead if parent else set()

    def all_vals(self):
        s, out = self, []
        while s:
            out.extend(s.vals)
            s = s.parent
        return out

    def lookup_const(self, key):
        s = self
        while s:
            if key in s.consts:
                return s.consts[key]
            s = s.parent
        return None


SHAPES = [(2, 3), (3, 4), (4, 4), (2, 8), (4, 2), (3, 3)]
MSHAPES = [(4, 4), (3, 5), (2, 6)]
CONSTS = ["0.5", "-0.25", "1.5", "2.0", "0.125", "-1.0", "0.75"]


class FuncGen:
    def __init__(self, mod, name, args, allow_unreg, last_unreg):
        self.mod = mod
        self.rng = mod.rng
        self.name = name
        self.lines = []
        self.indent = 2
        self.scope = Scope()
        self.allow_unreg = allow_unreg
        self.last_unreg = last_unreg
        self.args = []
        for i, shape in enumerate(args):
            v = Val("arg%d" % i, "t", shape)
            self.args.append(v)
            self.scope.vals.append(v)

    # -- emission helpers ---------------------------------------------------
    def emit(self, text):
        self.lines.append("  " * self.indent + text)

    def add(self, val):
        self.scope.vals.append(val)
        return val

    def alive(self, v):
        return not any(b in self.scope.dead for b in v.bases)

    def pick(self, kind, pred=None):
        cands = [v for v in self.scope.all_vals()
                 if v.kind == kind and (pred is None or pred(v))
                 and (kind != "m" or self.alive(v))]
        if not cands:
            return None
        # Prefer recent values (chains) but reach back sometimes.
        if self.rng.random() < 0.6:
            return cands[-1 - min(len(cands) - 1, int(self.rng.expovariate(0.7)))]
        return self.rng.choice(cands)

    def cidx(self, k):
        key = ("i", k)
        v = self.scope.lookup_const(key)
        if v:
            return v.name
        # Index constants live in the function scope so that every region
        # may use them.
        root = self.scope
        while root.parent:
            root = root.parent
        name = self.mod.fresh("c")
        line = "  " * 2 + "%%%s = arith.constant {%s} %d : index" % (
            name, self.mod.rid(), k)
        if root is self.scope:
            self.lines.append(line)
        else:
            # Hoist to the top of the function body.
            self.lines.insert(self.body_start, line)
            self.body_start += 1
        v = Val(name, "i")
        root.consts[key] = v
        return name

    def cf32(self, lit=None):
        lit = lit or self.rng.choice(CONSTS)
        name = self.mod.fresh("s")
        self.emit("%%%s = arith.constant {%s} %s : f32" % (name, self.mod.rid(), lit))
        return self.add(Val(name, "f"))

    def scalar(self):
        v = self.pick("f")
        if v is None or self.rng.random() < 0.25:
            v = self.cf32()
        return v

    def empty(self, shape, shared_ok=True):
        if shared_ok and self.rng.random() < 0.5:
            e = self.pick("t", lambda v: v.is_empty and v.shape == tuple(shape))
            if e:
                return e
        name = self.mod.fresh("e")
        self.emit("%%%s = tensor.empty() {%s} : %s" % (name, self.mod.rid(), ttype(shape)))
        return self.add(Val(name, "t", shape, is_empty=True, initialized=False))

    def fill(self, shape, scalar=None, shared_ok=True):
        s = scalar or self.scalar()
        e = self.empty(shape, shared_ok)
        name = self.mod.fresh("fill")
        self.emit("%%%s = linalg.fill {%s} ins(%%%s : f32) outs(%%%s : %s) -> %s" % (
            name, self.mod.rid(), s.name, e.name, ttype(shape), ttype(shape)))
        return self.add(Val(name, "t", shape))

    def tensor(self, shape=None, pred=None):
        """An initialized tensor (of a shape), made by a fill if none."""
        def ok(v):
            return (v.initialized and (shape is None or v.shape == tuple(shape))
                    and (pred is None or pred(v)))
        v = self.pick("t", ok)
        if v is None:
            v = self.fill(shape or self.rng.choice(SHAPES))
        return v

    def outs(self, shape, reads_outs):
        """An init for a destination-style op: fresh or shared tensor.empty,
        or an earlier value reused as destination."""
        r = self.rng.random()
        if reads_outs and (self.mod.exec or r < 0.5):
            if r < 0.5:
                return self.fill(shape)
            return self.tensor(shape)
        if r < 0.3:
            return self.tensor(shape)
        return self.empty(shape)

    # -- tosa ---------------------------------------------------------------
    def tosa_unary(self):
        x = self.tensor()
        ops = ["exp", "abs", "sigmoid", "clamp", "floor"]
        if not self.mod.exec:
            ops.append("tanh")
        op = self.rng.choice(ops)
        name = self.mod.fresh()
        t = ttype(x.shape)
        if op == "clamp":
            self.emit("%%%s = tosa.clamp %%%s {max_val = 2.0 : f32, min_val = -2.0 : f32, %s} : (%s) -> %s"
                      % (name, x.name, self.mod.rid(), t, t))
        else:
            self.emit("%%%s = tosa.%s %%%s {%s} : (%s) -> %s" % (name, op, x.name, self.mod.rid(), t, t))
        self.add(Val(name, "t", x.shape))

    def tosa_binary(self):
        a = self.tensor()
        b = self.tensor(a.shape)
        op = self.rng.choice(["add", "sub", "mul", "maximum", "minimum"])
        t = ttype(a.shape)
        name = self.mod.fresh()
        if op == "mul":
            sh = self.mod.fresh("sh")
            self.emit('%%%s = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> {%s} : () -> tensor<1xi8>'
                      % (sh, self.mod.rid()))
            self.emit("%%%s = tosa.mul %%%s, %%%s, %%%s {%s} : (%s, %s, tensor<1xi8>) -> %s"
                      % (name, a.name, b.name, sh, self.mod.rid(), t, t, t))
        else:
            self.emit("%%%s = tosa.%s %%%s, %%%s {%s} : (%s, %s) -> %s"
                      % (name, op, a.name, b.name, self.mod.rid(), t, t, t))
        self.add(Val(name, "t", a.shape))

    def tosa_reshape(self, x=None, shape=None):
        x = x or self.tensor()
        n = 1
        for d in x.shape:
            n *= d
        if shape is None:
            cands = [s for s in SHAPES if s[0] * s[1] == n and s != x.shape]
            cands.append((n,))
            shape = self.rng.choice(cands)
        sname = self.mod.fresh("shp")
        self.emit("%%%s = tosa.const_shape {values = dense<[%s]> : tensor<%dxindex>, %s} : () -> !tosa.shape<%d>"
                  % (sname, ", ".join(str(d) for d in shape), len(shape), self.mod.rid(), len(shape)))
        name = self.mod.fresh()
        self.emit("%%%s = tosa.reshape %%%s, %%%s {%s} : (%s, !tosa.shape<%d>) -> %s"
                  % (name, x.name, sname, self.mod.rid(), ttype(x.shape), len(shape), ttype(shape)))
        return self.add(Val(name, "t", shape))

    def tosa_concat(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        axis = self.rng.randrange(2)
        other = a.shape[1 - axis]
        b = self.pick("t", lambda v: v.initialized and len(v.shape) == 2
                      and v.shape[1 - axis] == other)
        if b is None or self.rng.random() < 0.3:
            b = a
        shape = list(a.shape)
        shape[axis] += b.shape[axis]
        name = self.mod.fresh()
        self.emit("%%%s = tosa.concat %%%s, %%%s {axis = %d : i32, %s} : (%s, %s) -> %s"
                  % (name, a.name, b.name, axis, self.mod.rid(), ttype(a.shape),
                     ttype(b.shape), ttype(shape)))
        self.add(Val(name, "t", shape))

    def tosa_transpose(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        shape = (a.shape[1], a.shape[0])
        name = self.mod.fresh()
        self.emit("%%%s = tosa.transpose %%%s {perms = array<i32: 1, 0>, %s} : (%s) -> %s"
                  % (name, a.name, self.mod.rid(), ttype(a.shape), ttype(shape)))
        return self.add(Val(name, "t", shape))

    def tosa_reduce(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        axis = self.rng.randrange(2)
        shape = list(a.shape)
        shape[axis] = 1
        name = self.mod.fresh()
        op = self.rng.choice(["reduce_sum", "reduce_max"])
        self.emit("%%%s = tosa.%s %%%s {axis = %d : i32, %s} : (%s) -> %s"
                  % (name, op, a.name, axis, self.mod.rid(), ttype(a.shape), ttype(shape)))
        self.add(Val(name, "t", shape))

    def tosa_conv(self):
        """3x3 (padded) or 1x1 conv2d on a 2-D value seen as 1xHxWx1."""
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        h, w = a.shape
        x4 = self.tosa_reshape(a, (1, h, w, 1))
        k = self.rng.choice([1, 3])
        o = self.rng.choice([1, 2])
        vals = [str(((j * 7 + 3) % 9 - 4) / 8.0) for j in range(o * k * k)]
        wn, bn, zn, on = (self.mod.fresh(p) for p in ("w", "b", "zp", "y"))
        wt = "tensor<%dx%dx%dx1xf32>" % (o, k, k)
        self.emit('%%%s = "tosa.const"() <{values = dense<[%s]> : tensor<%dxf32>}> {%s} : () -> tensor<%dxf32>'
                  % (bn, ", ".join("0.25" for _ in range(o)), o, self.mod.rid(), o))
        self.emit('%%%s = "tosa.const"() <{values = dense<%s> : %s}> {%s} : () -> %s'
                  % (wn, self.nested(vals, (o, k, k, 1)), wt, self.mod.rid(), wt))
        self.emit('%%%s = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> {%s} : () -> tensor<1xf32>'
                  % (zn, self.mod.rid()))
        p = k // 2
        yt = "tensor<1x%dx%dx%dxf32>" % (h, w, o)
        self.emit("%%%s = tosa.conv2d %%%s, %%%s, %%%s, %%%s, %%%s {acc_type = f32, dilation = array<i64: 1, 1>, "
                  "pad = array<i64: %d, %d, %d, %d>, stride = array<i64: 1, 1>, %s} : "
                  "(tensor<1x%dx%dx1xf32>, %s, tensor<%dxf32>, tensor<1xf32>, tensor<1xf32>) -> %s"
                  % (on, x4.name, wn, bn, zn, zn, p, p, p, p, self.mod.rid(), h, w, wt, o, yt))
        y = self.add(Val(on, "t", (1, h, w, o)))
        self.tosa_reshape(y, (h, w * o))

    @staticmethod
    def nested(flat, shape):
        def rec(off, dims):
            if len(dims) == 1:
                return "[" + ", ".join(flat[off:off + dims[0]]) + "]"
            step = 1
            for d in dims[1:]:
                step *= d
            return "[" + ", ".join(rec(off + i * step, dims[1:]) for i in range(dims[0])) + "]"
        return rec(0, list(shape))

    # -- linalg -------------------------------------------------------------
    def linalg_fill(self):
        self.fill(self.rng.choice(SHAPES))

    def linalg_matmul(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        m, k = a.shape
        b = self.pick("t", lambda v: v.initialized and len(v.shape) == 2 and v.shape[0] == k)
        if b is None:
            b = self.fill((k, self.rng.choice([2, 3, 4]))) if self.mod.no_tosa \
                else self.tosa_transpose_of(a)
        n = b.shape[1]
        c = self.outs((m, n), reads_outs=True)
        name = self.mod.fresh("mm")
        self.emit("%%%s = linalg.matmul {%s} ins(%%%s, %%%s : %s, %s) outs(%%%s : %s) -> %s"
                  % (name, self.mod.rid(), a.name, b.name, ttype(a.shape), ttype(b.shape),
                     c.name, ttype((m, n)), ttype((m, n))))
        self.add(Val(name, "t", (m, n)))

    def tosa_transpose_of(self, a):
        shape = (a.shape[1], a.shape[0])
        name = self.mod.fresh()
        self.emit("%%%s = tosa.transpose %%%s {perms = array<i32: 1, 0>, %s} : (%s) -> %s"
                  % (name, a.name, self.mod.rid(), ttype(a.shape), ttype(shape)))
        return self.add(Val(name, "t", shape))

    def linalg_generic(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        ins = [a]
        if self.rng.random() < 0.6:
            ins.append(self.tensor(a.shape))
        reads_outs = self.rng.random() < 0.3
        c = self.outs(a.shape, reads_outs)
        idm = "affine_map<(d0, d1) -> (d0, d1)>"
        maps = ", ".join([idm] * (len(ins) + 1))
        name = self.mod.fresh("g")
        tys = ", ".join(ttype(v.shape) for v in ins)
        self.emit("%%%s = linalg.generic {indexing_maps = [%s], iterator_types = [\"parallel\", \"parallel\"]} "
                  "ins(%s : %s) outs(%%%s : %s) attrs = {%s} {"
                  % (name, maps, ", ".join("%" + v.name for v in ins), tys, c.name,
                     ttype(a.shape), self.mod.rid()))
        bargs = ["%%x%d: f32" % i for i in range(len(ins))] + ["%o: f32"]
        self.emit("^bb0(%s):" % ", ".join(bargs))
        self.indent += 1
        cur = "%x0"
        ops = ["addf", "mulf", "maximumf", "subf"]
        for i in range(1, len(ins)):
            r = self.mod.fresh("r")
            self.emit("%%%s = arith.%s %s, %%x%d {%s} : f32" % (r, self.rng.choice(ops), cur, i, self.mod.rid()))
            cur = "%" + r
        if reads_outs:
            r = self.mod.fresh("r")
            self.emit("%%%s = arith.addf %s, %%o {%s} : f32" % (r, cur, self.mod.rid()))
            cur = "%" + r
        if len(ins) == 1 and not reads_outs:
            r = self.mod.fresh("r")
            self.emit("%%%s = arith.mulf %s, %s {%s} : f32" % (r, cur, cur, self.mod.rid()))
            cur = "%" + r
        self.emit("linalg.yield %s {%s} : f32" % (cur, self.mod.rid()))
        self.indent -= 1
        self.emit("} -> %s" % ttype(a.shape))
        self.add(Val(name, "t", a.shape))

    def linalg_reduce(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2)
        m = a.shape[0]
        c = self.fill((m,), shared_ok=not self.mod.exec)
        name = self.mod.fresh("red")
        self.emit("%%%s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, "
                  "affine_map<(d0, d1) -> (d0)>], iterator_types = [\"parallel\", \"reduction\"]} "
                  "ins(%%%s : %s) outs(%%%s : %s) attrs = {%s} {"
                  % (name, a.name, ttype(a.shape), c.name, ttype((m,)), self.mod.rid()))
        self.emit("^bb0(%x: f32, %o: f32):")
        r = self.mod.fresh("r")
        self.emit("  %%%s = arith.%s %%x, %%o {%s} : f32" % (
            r, self.rng.choice(["addf", "maximumf"]), self.mod.rid()))
        self.emit("  linalg.yield %%%s {%s} : f32" % (r, self.mod.rid()))
        self.emit("} -> %s" % ttype((m,)))
        self.add(Val(name, "t", (m,)))

    def linalg_add(self):
        a = self.tensor()
        b = self.tensor(a.shape)
        c = self.outs(a.shape, reads_outs=False)
        name = self.mod.fresh("la")
        t = ttype(a.shape)
        self.emit("%%%s = linalg.add {%s} ins(%%%s, %%%s : %s, %s) outs(%%%s : %s) -> %s"
                  % (name, self.mod.rid(), a.name, b.name, t, t, c.name, t, t))
        self.add(Val(name, "t", a.shape))

    # -- tensor -------------------------------------------------------------
    def extract_slice(self):
        a = self.tensor(pred=lambda v: len(v.shape) == 2 and min(v.shape) >= 2)
        h = self.rng.randint(1, a.shape[0])
        w = self.rng.randint(1, a.shape[1])
        o0 = self.rng.randint(0, a.shape[0] - h)
        o1 = self.rng.randint(0, a.shape[1] - w)
        name = self.mod.fresh("sl")
        self.emit("%%%s = tensor.extract_slice %%%s[%d, %d] [%d, %d] [1, 1] {%s} : %s to %s"
                  % (name, a.name, o0, o1, h, w, self.mod.rid(), ttype(a.shape), ttype((h, w))))
        return self.add(Val(name, "t", (h, w)))

    def insert_slice(self):
        dst = self.tensor(pred=lambda v: len(v.shape) == 2)
        src = self.pick("t", lambda v: v.initialized and len(v.shape) == 2
                        and v.shape[0] <= dst.shape[0] and v.shape[1] <= dst.shape[1])
        if src is None:
            src = dst
        o0 = self.rng.randint(0, dst.shape[0] - src.shape[0])
        o1 = self.rng.randint(0, dst.shape[1] - src.shape[1])
        name = self.mod.fresh("ins")
        self.emit("%%%s = tensor.insert_slice %%%s into %%%s[%d, %d] [%d, %d] [1, 1] {%s} : %s into %s"
                  % (name, src.name, dst.name, o0, o1, src.shape[0], src.shape[1], self.mod.rid(),
                     ttype(src.shape), ttype(dst.shape)))
        self.add(Val(name, "t", dst.shape))

    def collapse_expand(self):
        a = self.tensor(pred=lambda v: len(v.shape) in (1, 2))
        name = self.mod.fresh("rs")
        if len(a.shape) == 2:
            n = a.shape[0] * a.shape[1]
            self.emit("%%%s = tensor.collapse_shape %%%s [[0, 1]] {%s} : %s into %s"
                      % (name, a.name, self.mod.rid(), ttype(a.shape), ttype((n,))))
            self.add(Val(name, "t", (n,)))
        else:
            n = a.shape[0]
            cands = [s for s in SHAPES if s[0] * s[1] == n] or [(1, n)]
            s = self.rng.choice(cands)
            self.emit("%%%s = tensor.expand_shape %%%s [[0, 1]] output_shape [%d, %d] {%s} : %s into %s"
                      % (name, a.name, s[0], s[1], self.mod.rid(), ttype(a.shape), ttype(s)))
            self.add(Val(name, "t", s))

    # -- scalars ------------------------------------------------------------
    def scalar_op(self):
        r = self.rng.random()
        name = self.mod.fresh("s")
        if r < 0.35:
            a = self.tensor()
            idx = ", ".join("%" + self.cidx(self.rng.randrange(d)) for d in a.shape)
            self.emit("%%%s = tensor.extract %%%s[%s] {%s} : %s"
                      % (name, a.name, idx, self.mod.rid(), ttype(a.shape)))
        elif r < 0.75:
            a, b = self.scalar(), self.scalar()
            op = self.rng.choice(["addf", "mulf", "subf", "maximumf"])
            self.emit("%%%s = arith.%s %%%s, %%%s {%s} : f32" % (name, op, a.name, b.name, self.mod.rid()))
        else:
            a = self.scalar()
            op = self.rng.choice(["exp", "absf", "floor"])
            self.emit("%%%s = math.%s %%%s {%s} : f32" % (name, op, a.name, self.mod.rid()))
        self.add(Val(name, "f"))

    def cond(self):
        v = self.pick("b")
        if v is not None and self.rng.random() < 0.5:
            return v
        a, b = self.scalar(), self.scalar()
        name = self.mod.fresh("cnd")
        self.emit("%%%s = arith.cmpf %s, %%%s, %%%s {%s} : f32" % (
            name, self.rng.choice(["ogt", "olt", "oge"]), a.name, b.name, self.mod.rid()))
        return self.add(Val(name, "b"))

    # -- memrefs ------------------------------------------------------------
    def alloc(self):
        shape = self.rng.choice(MSHAPES)
        name = self.mod.fresh("m")
        mt = "memref<%dx%dxf32>" % shape
        self.emit("%%%s = memref.alloc() {%s} : %s" % (name, self.mod.rid(), mt))
        v = self.add(Val(name, "m", shape, mt, bases=(name,), identity=True))
        if self.mod.exec or self.rng.random() < 0.7:
            s = self.scalar()
            self.emit("linalg.fill {%s} ins(%%%s : f32) outs(%%%s : %s)" % (self.mod.rid(), s.name, name, mt))
        return v

    def memref(self, pred=None):
        v = self.pick("m", pred)
        if v is None:
            v = self.alloc()
            if pred and not pred(v):
                return None
        return v

    def subview(self):
        m = self.memref(lambda v: v.identity and v.mtype.startswith("memref<%dx" % v.shape[0])
                        and "?" not in v.mtype)
        if m is None:
            return
        h = self.rng.randint(1, m.shape[0])
        w = self.rng.randint(1, m.shape[1])
        o0 = self.rng.randint(0, m.shape[0] - h)
        o1 = self.rng.randint(0, m.shape[1] - w)
        off = o0 * m.shape[1] + o1
        lay = "strided<[%d, 1]%s>" % (m.shape[1], ", offset: %d" % off if off else "")
        mt = "memref<%dx%dxf32, %s>" % (h, w, lay)
        name = self.mod.fresh("sv")
        self.emit("%%%s = memref.subview %%%s[%d, %d] [%d, %d] [1, 1] {%s} : %s to %s"
                  % (name, m.name, o0, o1, h, w, self.mod.rid(), m.mtype, mt))
        self.add(Val(name, "m", (h, w), mt, bases=m.bases))

    def cast(self):
        m = self.memref(lambda v: v.identity and "?" not in v.mtype and len(v.bases) == 1)
        if m is None:
            return
        name = self.mod.fresh("cs")
        mt = "memref<?x?xf32>"
        self.emit("%%%s = memref.cast %%%s {%s} : %s to %s" % (name, m.name, self.mod.rid(), m.mtype, mt))
        self.add(Val(name, "m", m.shape, mt, bases=m.bases, identity=True))

    def store(self, m=None):
        m = m or self.memref()
        s = self.scalar()
        idx = ", ".join("%" + self.cidx(self.rng.randrange(d)) for d in m.shape)
        self.emit("memref.store %%%s, %%%s[%s] {%s} : %s" % (s.name, m.name, idx, self.mod.rid(), m.mtype))

    def load(self):
        m = self.memref()
        idx = ", ".join("%" + self.cidx(self.rng.randrange(d)) for d in m.shape)
        name = self.mod.fresh("ld")
        self.emit("%%%s = memref.load %%%s[%s] {%s} : %s" % (name, m.name, idx, self.mod.rid(), m.mtype))
        self.add(Val(name, "f"))

    def memref_fill(self):
        m = self.memref()
        s = self.scalar()
        self.emit("linalg.fill {%s} ins(%%%s : f32) outs(%%%s : %s)" % (self.mod.rid(), s.name, m.name, m.mtype))

    def dealloc(self):
        if self.scope.parent is not None:
            return
        m = self.pick("m", lambda v: v.identity and len(v.bases) == 1)
        if m is None:
            return
        if self.mod.no_tosa:
            # Free through a cast when there is one (memopt-arena must drop
            # that dealloc too).
            casts = [v for v in self.scope.all_vals() if v.kind == "m" and self.alive(v)
                     and v.identity and len(v.bases) == 1 and "?" in v.mtype]
            if casts:
                m = casts[-1]
        self.emit("memref.dealloc %%%s {%s} : %s" % (m.name, self.mod.rid(), m.mtype))
        self.scope.dead.add(m.bases[0])

    def memref_select(self):
        """scf.if choosing between two allocations: the result aliases both."""
        a = self.memref(lambda v: v.identity and "?" not in v.mtype)
        if a is None:
            return
        b = self.pick("m", lambda v: v.mtype == a.mtype and v is not a and v.identity)
        if b is None:
            b = self.alloc()
            if b.mtype != a.mtype:
                return
        c = self.cond()
        name = self.mod.fresh("sel")
        self.emit("%%%s = scf.if %%%s -> (%s) {" % (name, c.name, a.mtype))
        self.emit("  scf.yield {%s} %%%s : %s" % (self.mod.rid(), a.name, a.mtype))
        self.emit("} else {")
        self.emit("  scf.yield {%s} %%%s : %s" % (self.mod.rid(), b.name, b.mtype))
        self.emit("} {%s}" % self.mod.rid())
        self.add(Val(name, "m", a.shape, a.mtype, bases=a.bases + b.bases))
        if self.mod.exec:
            # A later allocation and write, then a read through the select:
            # an arena that ends a's lifetime at the scf.if reuses its bytes.
            self.alloc()
            self.memref_fill()
            self.load()

    # -- regions ------------------------------------------------------------
    def region_body(self, nops):
        for _ in range(nops):
            r = self.rng.random()
            if r < 0.4:
                self.linalg_generic() if self.mod.no_tosa else self.tosa_unary()
            elif r < 0.6:
                self.linalg_add() if self.mod.no_tosa else self.tosa_binary()
            elif r < 0.75:
                self.scalar_op()
            elif r < 0.88 and self.pick("m"):
                self.store(self.pick("m"))
            else:
                self.linalg_add()

    def scf_if(self):
        c = self.cond()
        shape = self.tensor().shape
        name = self.mod.fresh("if")
        self.emit("%%%s = scf.if %%%s -> (%s) {" % (name, c.name, ttype(shape)))
        for _ in range(2):
            self.indent += 1
            outer = self.scope
            self.scope = Scope(outer)
            self.region_body(self.rng.randint(0, 3))
            y = self.tensor(shape)
            self.emit("scf.yield {%s} %%%s : %s" % (self.mod.rid(), y.name, ttype(shape)))
            self.scope = outer
            self.indent -= 1
            if _ == 0:
                self.emit("} else {")
        self.emit("} {%s}" % self.mod.rid())
        self.add(Val(name, "t", shape))

    def scf_for(self):
        init = self.tensor()
        shape = init.shape
        name = self.mod.fresh("for")
        iv = self.mod.fresh("iv")
        acc = self.mod.fresh("acc")
        lo, hi, st = self.cidx(0), self.cidx(self.rng.randint(1, 3)), self.cidx(1)
        self.emit("%%%s = scf.for %%%s = %%%s to %%%s step %%%s iter_args(%%%s = %%%s) -> (%s) {"
                  % (name, iv, lo, hi, st, acc, init.name, ttype(shape)))
        self.indent += 1
        outer = self.scope
        self.scope = Scope(outer)
        self.add(Val(acc, "t", shape))
        self.region_body(self.rng.randint(0, 3))
        a = self.pick("t", lambda v: v.shape == shape and v.initialized)
        b = self.tensor(shape)
        y = self.mod.fresh()
        # The yielded value is written into the iteration argument, as
        # one-shot-bufferize wants it equivalent to the iter_arg.
        t = ttype(shape)
        self.emit("%%%s = linalg.add {%s} ins(%%%s, %%%s : %s, %s) outs(%%%s : %s) -> %s"
                  % (y, self.mod.rid(), a.name, b.name, t, t, acc, t, t))
        self.emit("scf.yield {%s} %%%s : %s" % (self.mod.rid(), y, ttype(shape)))
        self.scope = outer
        self.indent -= 1
        self.emit("} {%s}" % self.mod.rid())
        self.add(Val(name, "t", shape))

    # -- calls and unregistered ops ------------------------------------------
    def call(self):
        if self.rng.random() < 0.6 or not self.pick("m"):
            x = self.tensor()
            key = ("t", x.shape)
            if key not in self.mod.callees:
                cname = "callee%d" % len(self.mod.callees)
                t = ttype(x.shape)
                if self.mod.no_tosa:
                    body = [
                        "    %%e = tensor.empty() {%s} : %s" % (self.mod.rid(), t),
                        "    %%1 = linalg.add {%s} ins(%%a, %%a : %s, %s) outs(%%e : %s) -> %s"
                        % (self.mod.rid(), t, t, t, t)]
                else:
                    body = [
                        "    %%0 = tosa.sigmoid %%a {%s} : (%s) -> %s" % (self.mod.rid(), t, t),
                        "    %%1 = tosa.add %%0, %%a {%s} : (%s, %s) -> %s" % (self.mod.rid(), t, t, t)]
                self.mod.callees[key] = (cname, [
                    "  func.func private @%s(%%a: %s) -> %s {" % (cname, t, t)] + body + [
                    "    return {%s} %%1 : %s" % (self.mod.rid(), t),
                    "  }"])
            cname = self.mod.callees[key][0]
            name = self.mod.fresh("call")
            self.emit("%%%s = func.call @%s(%%%s) {%s} : (%s) -> %s"
                      % (name, cname, x.name, self.mod.rid(), ttype(x.shape), ttype(x.shape)))
            self.add(Val(name, "t", x.shape))
        else:
            m = self.pick("m", lambda v: v.identity and "?" not in v.mtype)
            if m is None:
                return
            key = ("m", m.mtype)
            if key not in self.mod.callees:
                cname = "callee%d" % len(self.mod.callees)
                self.mod.callees[key] = (cname, [
                    "  func.func private @%s(%%m: %s, %%s: f32) {" % (cname, m.mtype),
                    "    %%c0 = arith.constant {%s} 0 : index" % self.mod.rid(),
                    "    %%c1 = arith.constant {%s} 1 : index" % self.mod.rid(),
                    "    %%0 = memref.load %%m[%%c1, %%c0] {%s} : %s" % (self.mod.rid(), m.mtype),
                    "    %%1 = arith.addf %%0, %%s {%s} : f32" % self.mod.rid(),
                    "    memref.store %%1, %%m[%%c0, %%c1] {%s} : %s" % (self.mod.rid(), m.mtype),
                    "    return {%s}" % self.mod.rid(),
                    "  }"])
            cname = self.mod.callees[key][0]
            s = self.scalar()
            self.emit("func.call @%s(%%%s, %%%s) {%s} : (%s, f32) -> ()"
                      % (cname, m.name, s.name, self.mod.rid(), m.mtype))

    def unregistered(self):
        if self.rng.random() < 0.6:
            x = self.tensor()
            name = self.mod.fresh("u")
            self.emit('%%%s = "foo.bar"(%%%s) {%s} : (%s) -> %s'
                      % (name, x.name, self.mod.rid(), ttype(x.shape), ttype(x.shape)))
            self.add(Val(name, "t", x.shape))
        else:
            m = self.pick("m")
            if m is None:
                self.emit('"foo.sync"() {%s} : () -> ()' % self.mod.rid())
                return
            self.emit('"foo.touch"(%%%s) {%s} : (%s) -> ()' % (m.name, self.mod.rid(), m.mtype))

    # -- driver ---------------------------------------------------------------
    def generate(self, nops):
        self.body_start = len(self.lines)
        acts = [
            (self.tosa_unary, 8), (self.tosa_binary, 8), (self.tosa_reshape, 3),
            (self.tosa_concat, 3), (self.tosa_transpose, 2), (self.tosa_reduce, 2),
            (self.tosa_conv, 2), (self.linalg_fill, 3), (self.linalg_matmul, 5),
            (self.linalg_generic, 5), (self.linalg_reduce, 3), (self.linalg_add, 4),
            (self.extract_slice, 2), (self.insert_slice, 2), (self.collapse_expand, 2),
            (self.scalar_op, 5), (self.alloc, 3), (self.subview, 2), (self.cast, 2),
            (self.store, 3), (self.load, 4), (self.memref_fill, 1), (self.dealloc, 2),
            (self.memref_select, 2), (self.scf_if, 3), (self.scf_for, 2), (self.call, 2),
        ]
        if self.allow_unreg:
            acts.append((self.unregistered, 3))
        if self.mod.no_tosa:
            acts = [(f, w) for f, w in acts if not f.__name__.startswith("tosa_")]
        fns = [a for a, _ in acts]
        weights = [w for _, w in acts]
        for _ in range(nops):
            self.rng.choices(fns, weights)[0]()
        if self.mod.no_tosa:
            # Free what is still allocated, through a cast where there is one.
            for v in list(self.scope.vals):
                if v.kind == "m" and v.identity and len(v.bases) == 1 and self.alive(v) \
                        and ("?" in v.mtype or not any(
                            w.kind == "m" and w.bases == v.bases and "?" in w.mtype
                            for w in self.scope.vals)):
                    self.emit("memref.dealloc %%%s {%s} : %s" % (v.name, self.mod.rid(), v.mtype))
                    self.scope.dead.add(v.bases[0])
        # Results: the last tensor, a few others, a few scalars.
        tensors = [v for v in self.scope.vals if v.kind == "t" and v.initialized
                   and v not in self.args]
        if not tensors:
            tensors = [self.fill(self.rng.choice(SHAPES))]
        res = [tensors[-1]]
        for _ in range(self.rng.randint(0, 2)):
            v = self.rng.choice(tensors)
            if v not in res:
                res.append(v)
        scalars = [v for v in self.scope.vals if v.kind == "f"]
        for _ in range(self.rng.randint(0, 2)):
            if scalars:
                v = self.rng.choice(scalars)
                if v not in res:
                    res.append(v)
        names = ", ".join("%" + v.name for v in res)
        types = ", ".join(v.type for v in res)
        if self.last_unreg:
            self.emit('"foo.ret"(%s) {%s} : (%s) -> ()' % (names, self.mod.rid(), types))
            self.results = []
        else:
            self.emit("return {%s} %s : %s" % (self.mod.rid(), names, types))
            self.results = res
        head = "  func.func @%s(%s)%s {" % (
            self.name, ", ".join("%%%s: %s" % (a.name, a.type) for a in self.args),
            " -> (%s)" % ", ".join(v.type for v in self.results) if self.results else "")
        return [head] + self.lines + ["  }"]


def arg_data(shape, i):
    n = 1
    for d in shape:
        n *= d
    flat = [repr(((k * 37 + i * 11) % 21 - 10) / 8.0) for k in range(n)]
    return FuncGen.nested(flat, shape)


def generate(seed, exec_mode=False, size=None):
    rng = random.Random(seed)
    # Every third executable program has no tosa op, so that it runs without
    # the tosa lowering, whose folding erases memref.casts (a dealloc of a
    # cast then survives to memopt-arena).
    mod = Module(rng, exec_mode, no_tosa=exec_mode and seed % 3 == 2)
    nops = size or rng.randint(10, 30)
    args = [rng.choice(SHAPES) for _ in range(rng.randint(1, 3))]
    allow_unreg = not exec_mode and rng.random() < 0.5
    f = FuncGen(mod, "f", args, allow_unreg, last_unreg=False)
    body = f.generate(nops)
    funcs = [body]
    if not exec_mode and rng.random() < 0.35:
        g = FuncGen(mod, "g", [rng.choice(SHAPES)], True, last_unreg=True)
        funcs.append(g.generate(rng.randint(4, 12)))
    out = ["// Generated by utils/randprog/randprog.py --seed %d%s" % (seed, " --exec" if exec_mode else ""),
           "module {"]
    for key in sorted(mod.callees, key=lambda k: mod.callees[k][0]):
        out += mod.callees[key][1]
    for fn in funcs:
        out += fn
    if exec_mode:
        out += main_func(f)
    out.append("}")
    return "\n".join(out) + "\n"


def main_func(f):
    lines = ["  func.func @main() {"]
    for i, a in enumerate(f.args):
        lines.append("    %%in%d = arith.constant dense<%s> : %s" % (i, arg_data(a.shape, i), a.type))
    res = ", ".join("%%r%d" % i for i in range(len(f.results)))
    ins = ", ".join("%%in%d" % i for i in range(len(f.args)))
    lines.append("    %s = func.call @f(%s) : (%s) -> (%s)" % (
        res, ins, ", ".join(a.type for a in f.args), ", ".join(v.type for v in f.results)))
    scalars = []
    for i, v in enumerate(f.results):
        if v.kind == "t":
            lines.append("    %%u%d = tensor.cast %%r%d : %s to tensor<*xf32>" % (i, i, v.type))
            lines.append("    func.call @printMemrefF32(%%u%d) : (tensor<*xf32>) -> ()" % i)
        else:
            scalars.append("%%r%d" % i)
    if scalars:
        lines.append("    %%sc = tensor.from_elements %s : tensor<%dxf32>" % (", ".join(scalars), len(scalars)))
        lines.append("    %%usc = tensor.cast %%sc : tensor<%dxf32> to tensor<*xf32>" % len(scalars))
        lines.append("    func.call @printMemrefF32(%usc) : (tensor<*xf32>) -> ()")
    lines.append("    return")
    lines.append("  }")
    lines.append("  func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}")
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--exec", action="store_true",
                   help="only ops that lower to LLVM, plus a runnable @main")
    p.add_argument("--size", type=int, default=None, help="top-level actions in @f")
    p.add_argument("-o", "--output", default="-")
    a = p.parse_args(argv)
    text = generate(a.seed, a.exec, a.size)
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
