#!/usr/bin/env python3
"""Convert memopt-modelgen tosa MLIR into an ONNX model that HMCOS can read.

Stdlib only.  One ONNX node per tosa compute op, with the same tensors and
byte sizes, so that memopt and HMCOS schedule the same graph:

  tosa.conv2d            -> Conv (OIHW weight, bias if it is a weight argument)
  tosa.depthwise_conv2d  -> Conv group=C (weight [C*M,1,kh,kw])
  tosa.add / sub / mul   -> Add / Sub / Mul (the mul shift operand is dropped)
  tosa.clamp             -> Relu if [0, +FLT_MAX], else Clip
  tosa.concat            -> Concat   (HMCOS finds NAS cell outputs by "Concat")
  tosa.avg/max_pool2d    -> AveragePool / MaxPool
  tosa.matmul            -> MatMul
  tosa.reshape           -> Reshape (shape initializer)
  tosa.slice             -> Slice (starts/ends/axes initializers)
  tosa.pad               -> Pad (pads initializer)
  tosa.transpose         -> Transpose
  anything else          -> a node named after the op with its tensor operands

Layout: 4-D activations are NHWC in tosa and are written NCHW here (sizes are
unchanged; this only keeps the ONNX model valid for onnx shape inference).
The first function argument is the graph input (--num-inputs to change),
all other arguments are weights and become initializers without data
(HMCOS ignores parameters in its memory model).  Scalar/zero-point/shift
`tosa.const`s and `tosa.const_shape`s are folded into attributes or small
initializers.  Node names are the MLIR SSA result names (without '%'), so a
schedule printed by HMCOS maps back to the MLIR ops.

usage: mlir_to_onnx.py IN.mlir -o OUT.onnx [--num-inputs N]
"""

import argparse
import re
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnxenc as E  # noqa: E402

DT = {'f32': E.FLOAT, 'f16': E.FLOAT16, 'bf16': E.BFLOAT16, 'f64': E.DOUBLE,
      'i8': E.INT8, 'i32': E.INT32, 'i64': E.INT64, 'index': E.INT64}

NHWC2NCHW = [0, 3, 1, 2]

TYPE_RE = re.compile(r'tensor<([^>]*)>|!tosa\.shape<(\d+)>')
ARG_RE = re.compile(r'%([\w.$-]+)\s*:\s*tensor<([^>]*)>')
OP_RE = re.compile(r'^\s*%([\w.$-]+)\s*=\s*(tosa\.\w+)\s*(.*)$')
GCONST_RE = re.compile(r'^\s*%([\w.$-]+)\s*=\s*"tosa\.const"\(\)\s*<\{values\s*=\s*dense<(.*?)>\s*:\s*tensor<([^>]*)>\}>')
CSHAPE_RE = re.compile(r'^\s*%([\w.$-]+)\s*=\s*tosa\.const_shape\s*\{values\s*=\s*dense<(.*?)>\s*:\s*tensor<(\d+)xindex>\}')
RET_RE = re.compile(r'^\s*(?:func\.)?return\s+(.*?)\s*:')


def parse_type(s):
    """'1x32x32x3xf32' -> ([1,32,32,3], 'f32'); 'f32' -> ([], 'f32')."""
    parts = s.split('x')
    return [int(p) for p in parts[:-1]], parts[-1]


def parse_dense(text, count):
    text = text.strip()
    if text.startswith('['):
        vals = [v.strip() for v in text.strip('[]').split(',') if v.strip()]
    else:
        vals = [text] * count
    return [float(v) if any(c in v for c in '.eE') else int(v) for v in vals]


def parse_attrs(text):
    attrs = {}
    m = re.search(r'\{(.*)\}', text)
    if not m:
        return attrs
    body = m.group(1)
    for am in re.finditer(r'(\w+)\s*=\s*(array<i64:\s*([^>]*)>|[^,]+?)(?=,\s*\w+\s*=|$)', body):
        key, val = am.group(1), am.group(2)
        if am.group(3) is not None:
            attrs[key] = [int(v) for v in am.group(3).split(',') if v.strip()]
        else:
            attrs[key] = val.strip()
    return attrs


def attr_num(s):
    return float(s.split(':')[0].strip())


def perm_shape(dims):
    return [dims[i] for i in NHWC2NCHW] if len(dims) == 4 else list(dims)


def perm_axis(axis, rank):
    return NHWC2NCHW.index(axis) if rank == 4 else axis


def convert(text, name, num_inputs=1):
    g = E.GraphBuilder(name)
    vals = {}        # ssa name -> (nhwc dims, dtype str)
    weights = {}     # weight arg name -> (dims, dtype str)   (emitted lazily)
    consts = {}      # tosa.const name -> (dims, dtype, values)
    shape_consts = {}
    returns = []
    n_ops = 0

    func_line = next(l for l in text.splitlines() if 'func.func' in l)
    sig = func_line.split('->')[0]
    args = ARG_RE.findall(sig)
    for i, (an, at) in enumerate(args):
        dims, dt = parse_type(at)
        if i < num_inputs:
            vals[an] = (dims, dt)
            g.add_input(an, perm_shape(dims), DT[dt])
        else:
            weights[an] = (dims, dt)

    def is_tensor_value(ref):
        return ref in vals

    def weight(ref, kind='plain'):
        """Initializer for a weight argument, permuted to ONNX layout."""
        if ref in weights:
            dims, dt = weights[ref]
            if kind == 'conv' and len(dims) == 4:        # OHWI -> OIHW
                dims = [dims[0], dims[3], dims[1], dims[2]]
            elif kind == 'dw' and len(dims) == 4:        # HWCM -> (C*M)x1xHxW
                dims = [dims[2] * dims[3], 1, dims[0], dims[1]]
            elif kind == 'act':
                dims = perm_shape(dims)
            return g.add_init(ref if kind in ('plain', 'act') else ref + '__' + kind,
                              dims, DT[dt])
        if ref in consts:
            dims, dt, v = consts[ref]
            dims = perm_shape(dims) if kind == 'act' else dims
            fl = [float(x) for x in v] if DT[dt] == E.FLOAT else None
            return g.add_init(ref, dims, DT[dt], float_data=fl)
        raise KeyError(ref)

    def operand(ref):
        if ref in vals:
            return ref
        return weight(ref, 'act')

    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith('//'):
            continue
        m = GCONST_RE.match(line)
        if m:
            cn, dense, ty = m.groups()
            dims, dt = parse_type(ty)
            cnt = 1
            for d in dims:
                cnt *= d
            consts[cn] = (dims, dt, parse_dense(dense, cnt))
            continue
        m = CSHAPE_RE.match(line)
        if m:
            cn, dense, n = m.groups()
            shape_consts[cn] = parse_dense(dense, int(n))
            continue
        m = RET_RE.match(line)
        if m:
            returns = [r.strip().lstrip('%') for r in m.group(1).split(',')]
            continue
        m = OP_RE.match(line)
        if not m:
            continue
        res, op, rest = m.groups()
        # operands: '%a, %b' up to the attribute dict or the type colon
        opnd_txt = re.split(r'\s*(\{|\s:\s)', rest, maxsplit=1)[0]
        opnds = [o.strip().lstrip('%') for o in opnd_txt.split(',') if o.strip().startswith('%')]
        type_txt = rest[rest.rfind(' : ') + 3:] if ' : ' in rest else rest
        types = TYPE_RE.findall(type_txt)
        out_dims, out_dt = parse_type(types[-1][0])
        attrs = parse_attrs(rest[:rest.rfind(' : ')] if ' : ' in rest else rest)
        rank = len(out_dims)
        onnx_out = perm_shape(out_dims)
        dt = DT[out_dt]
        vals[res] = (out_dims, out_dt)
        n_ops += 1
        kind = op.split('.', 1)[1]

        if kind in ('conv2d', 'depthwise_conv2d'):
            x, w, b = opnds[0], opnds[1], opnds[2]
            wd = weights[w][0]
            ins = [x, weight(w, 'conv' if kind == 'conv2d' else 'dw')]
            if b in weights:
                ins.append(weight(b))
            t, bo, l, r = attrs['pad']
            a = {'kernel_shape': [wd[1], wd[2]] if kind == 'conv2d' else [wd[0], wd[1]],
                 'pads': [t, l, bo, r], 'strides': attrs['stride'],
                 'dilations': attrs['dilation']}
            if kind == 'depthwise_conv2d':
                a['group'] = wd[2]
            g.add_node('Conv', ins, res, onnx_out, dt, a)
        elif kind in ('add', 'sub', 'mul', 'maximum', 'minimum'):
            onnx_op = {'add': 'Add', 'sub': 'Sub', 'mul': 'Mul', 'maximum': 'Max',
                       'minimum': 'Min'}[kind]
            g.add_node(onnx_op, [operand(o) for o in opnds[:2]], res, onnx_out, dt)
        elif kind == 'clamp':
            lo, hi = attr_num(attrs['min_val']), attr_num(attrs['max_val'])
            if lo == 0.0 and hi >= 3.4e38:
                g.add_node('Relu', [opnds[0]], res, onnx_out, dt)
            else:
                mn = g.add_init(res + '__min', [], dt, float_data=[lo])
                mx = g.add_init(res + '__max', [], dt, float_data=[hi])
                g.add_node('Clip', [opnds[0], mn, mx], res, onnx_out, dt)
        elif kind == 'concat':
            axis = int(attrs['axis'].split(':')[0])
            g.add_node('Concat', [operand(o) for o in opnds], res, onnx_out, dt,
                       {'axis': perm_axis(axis, rank)})
        elif kind in ('avg_pool2d', 'max_pool2d'):
            t, bo, l, r = attrs['pad']
            a = {'kernel_shape': attrs['kernel'], 'pads': [t, l, bo, r],
                 'strides': attrs['stride']}
            if kind == 'avg_pool2d':
                a['count_include_pad'] = 0
            g.add_node('AveragePool' if kind == 'avg_pool2d' else 'MaxPool',
                       [opnds[0]], res, onnx_out, dt, a)
        elif kind == 'matmul':
            g.add_node('MatMul', [operand(opnds[0]), operand(opnds[1])], res,
                       onnx_out, dt)
        elif kind == 'reshape':
            shp = g.add_init(res + '__shape', [len(onnx_out)], E.INT64,
                             int64_data=onnx_out)
            g.add_node('Reshape', [operand(opnds[0]), shp], res, onnx_out, dt)
        elif kind == 'slice':
            start = shape_consts[opnds[1]]
            size = shape_consts[opnds[2]]
            in_rank = len(start)
            axes = list(range(in_rank))
            if in_rank == 4:
                start = [start[i] for i in NHWC2NCHW]
                size = [size[i] for i in NHWC2NCHW]
            ends = [a + b for a, b in zip(start, size)]
            ins = [opnds[0],
                   g.add_init(res + '__starts', [in_rank], E.INT64, int64_data=start),
                   g.add_init(res + '__ends', [in_rank], E.INT64, int64_data=ends),
                   g.add_init(res + '__axes', [in_rank], E.INT64, int64_data=axes)]
            g.add_node('Slice', ins, res, onnx_out, dt)
        elif kind == 'pad':
            p = shape_consts[opnds[1]]
            r = len(p) // 2
            lo, hi = p[0::2], p[1::2]
            if r == 4:
                lo = [lo[i] for i in NHWC2NCHW]
                hi = [hi[i] for i in NHWC2NCHW]
            ins = [opnds[0], g.add_init(res + '__pads', [2 * r], E.INT64,
                                        int64_data=lo + hi)]
            g.add_node('Pad', ins, res, onnx_out, dt)
        elif kind == 'transpose':
            perm = attrs.get('perms', [])
            g.add_node('Transpose', [opnds[0]], res, onnx_out, dt,
                       {'perm': perm} if perm else None)
        else:
            ins = [o for o in opnds if o in vals]
            camel = ''.join(p.capitalize() for p in kind.split('_'))
            print('warning: %s has no ONNX mapping, emitted as %s' % (op, camel),
                  file=sys.stderr)
            g.add_node(camel, ins, res, onnx_out, dt)

    return g.serialize(returns), n_ops


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('input')
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--name', default=None)
    ap.add_argument('--num-inputs', type=int, default=1)
    args = ap.parse_args()
    text = open(args.input).read()
    name = args.name or os.path.splitext(os.path.basename(args.input))[0]
    data, n_ops = convert(text, name, args.num_inputs)
    with open(args.output, 'wb') as f:
        f.write(data)
    print('%s: %d ops -> %s (%d bytes)' % (args.input, n_ops, args.output, len(data)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
