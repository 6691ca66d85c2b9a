#!/usr/bin/env python3
"""HMCOS's own NAS benchmark networks (wzh99/HMCOS script/nas.py) as tosa MLIR.

HMCOS builds its NAS models with Keras (TF 2.4), converts them with
tf2onnx 1.9 (opset 10) and runs onnxoptimizer's fuse_bn_into_conv.  None of
that is installable here, so this script re-creates the same architectures
layer by layer with the memopt-modelgen IR builder (stdlib only).  The output
is tosa MLIR that memopt reads directly and that mlir_to_onnx.py turns into
the ONNX graph HMCOS reads, so both tools schedule the same graph.

Architectures and configurations follow nas.py exactly:
  * genotypes of NasNet, AmoebaNet, PNas, Darts (HMCOS's own tables, which
    are *not* the TF-slim / DARTS_V2 definitions used by memopt-modelgen);
  * Cifar: 32x32x3 input, 3x3 stem conv with 32 filters, cells
    N x normal, reduction, N x normal, reduction, N x normal, 100 classes;
  * ImageNet: 224x224x3, 3x3/2 stem conv (32), cells
    2 x reduction, N x normal, reduction, N x normal, reduction, N x normal,
    1000 classes;
  * every cell: cur = squeeze(cur) (ReLU, 1x1 conv), prev = fit(prev, cur)
    (squeeze if same size, else factorized reduction), blocks = [prev, cur],
    one Add per block, Concat of the listed blocks;
  * filters double at every reduction cell; configurations from the
    create_model() calls in nas.py: NasNet cifar (6, 32) / imagenet (4, 11),
    AmoebaNet (6, 36) / (4, 12.5 -> 25 after the first doubling),
    Darts (6, 36) / (4, 12).  nas.py has no PNas configuration; we use
    (6, 32) / (4, 11) like NasNet.

How the Keras -> tf2onnx -> onnxoptimizer graph is mirrored:
  * SeparableConv2D = depthwise conv + pointwise conv; the BN that follows is
    folded into the pointwise conv (fuse_bn_into_conv); Conv2D + BN likewise;
  * ReLU of the same tensor and identical pools of the same tensor are
    emitted once (tf2onnx's merge-duplicated-nodes optimizer does the same);
  * 'id' emits no op; dil3x3 is an undilated separable conv, as in nas.py;
  * the BN after the Concat in fit() cannot be folded into a conv; it is a
    1x1 depthwise conv with bias (an exact per-channel affine, one op with a
    new output tensor, like ONNX BatchNormalization);
  * fit()'s second path ZeroPadding2D -> Cropping2D -> AvgPool(1, /2) is
    tosa.pad -> tosa.slice -> tosa.avg_pool2d (the slice also drops the last,
    never-read row/column, which TOSA's exact-window rule requires); the
    first path AvgPool(1, /2) needs the same trailing crop, so it gets one
    extra tosa.slice that the ONNX original does not have;
  * head: ReLU, global average pool, dense (reshape, matmul, add, reshape in
    tosa; ReduceMean, MatMul, Add in the tf2onnx graph).
Activations are NHWC (the Keras models are channels_first; sizes are equal).

usage: hmcos_nas.py --net {nasnet,amoebanet,pnas,darts} [--imagenet] -o OUT.mlir
"""

import argparse
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_GEN = os.path.join(_HERE, '..', '..', 'utils', 'modelgen', 'memopt-modelgen.py')
_spec = importlib.util.spec_from_file_location('memopt_modelgen', _GEN)
mg = importlib.util.module_from_spec(_spec)
sys.modules['memopt_modelgen'] = mg
_spec.loader.exec_module(mg)

NORMAL, REDUCTION = 'normal', 'reduction'

GENOTYPES = {
    'nasnet': dict(
        normal=[[('sep5x5', 1), ('sep3x3', 0)], [('sep5x5', 0), ('sep3x3', 0)],
                [('avg3x3', 1), ('id', 0)], [('avg3x3', 0), ('avg3x3', 0)],
                [('sep3x3', 1), ('id', 1)]],
        normal_concat=[0, 2, 3, 4, 5, 6],
        reduction=[[('sep5x5', 1), ('sep7x7', 0)], [('max3x3', 1), ('sep5x5', 0)],
                   [('avg3x3', 1), ('sep5x5', 0)], [('id', 3), ('avg3x3', 2)],
                   [('sep3x3', 2), ('max3x3', 1)]],
        reduction_concat=[3, 4, 5, 6]),
    'amoebanet': dict(
        normal=[[('avg3x3', 0), ('max3x3', 0)], [('id', 0), ('avg3x3', 1)],
                [('sep5x5', 2), ('sep3x3', 1)], [('sep3x3', 2), ('id', 1)],
                [('avg3x3', 4), ('sep3x3', 0)]],
        normal_concat=[3, 5, 6],
        reduction=[[('avg3x3', 0), ('sep3x3', 1)], [('max3x3', 1), ('max3x3', 0)],
                   [('max3x3', 0), ('sep7x7', 2)], [('sep7x7', 0), ('avg3x3', 1)],
                   [('sep3x3', 3), ('1x77x1', 0)]],
        reduction_concat=[4, 5, 6]),
    'darts': dict(
        normal=[[('sep3x3', 0), ('sep3x3', 1)], [('sep3x3', 0), ('sep3x3', 1)],
                [('sep3x3', 1), ('id', 0)], [('id', 0), ('dil3x3', 2)]],
        normal_concat=[2, 3, 4, 5],
        reduction=[[('max3x3', 0), ('max3x3', 1)], [('id', 2), ('max3x3', 1)],
                   [('max3x3', 0), ('id', 2)], [('id', 2), ('max3x3', 1)]],
        reduction_concat=[2, 3, 4, 5]),
}
_PNAS_BLOCKS = [[('sep5x5', 0), ('max3x3', 0)], [('sep7x7', 1), ('max3x3', 1)],
                [('sep5x5', 1), ('sep3x3', 1)], [('sep3x3', 4), ('max3x3', 1)],
                [('sep3x3', 0), ('avg1x1', 1)]]
GENOTYPES['pnas'] = dict(normal=_PNAS_BLOCKS, normal_concat=[2, 3, 4, 5, 6],
                         reduction=_PNAS_BLOCKS, reduction_concat=[2, 3, 4, 5, 6])

# (num_stacked, init_filters) from nas.py's create_model() calls
CONFIGS = {
    ('nasnet', False): (6, 32), ('nasnet', True): (4, 11),
    ('amoebanet', False): (6, 36), ('amoebanet', True): (4, 12.5),
    ('darts', False): (6, 36), ('darts', True): (4, 12),
    ('pnas', False): (6, 32), ('pnas', True): (4, 11),   # not in nas.py
}

NUM_STEM_FILTERS = 32


class Net:
    def __init__(self, b):
        self.b = b
        self.pool_memo = {}
        self.n = 0

    def scope(self, tag):
        self.n += 1
        return self.b.scope(f'{tag}{self.n}')

    # ---- Keras layers -----------------------------------------------------
    def pool(self, kind, x, k, s, pad):
        key = (kind, x.name, k, s, pad)
        if key not in self.pool_memo:
            f = self.b.avg_pool2d if kind == 'avg' else self.b.max_pool2d
            self.pool_memo[key] = f(x, k, s, pad)
        return self.pool_memo[key]

    def conv_bn(self, x, f, k, s=1, pad='same', name='conv'):
        with self.scope(name):
            return self.b.conv(x, int(f), k, s, pad, name='conv')

    def sep_conv_bn(self, x, f, k, s=1):
        with self.scope('sep'):
            x = self.b.dwconv(x, k, s, 'same', name='dw')
            return self.b.conv(x, int(f), 1, name='pw')

    def pad(self, x, lo_hi):
        """tosa.pad with zero fill; lo_hi = ((t, b), (l, r))."""
        b = self.b
        (t, bo), (l, r) = lo_hi
        n, h, w, c = x.shape
        res = b._fresh((n, h + t + bo, w + l + r, c))
        padding = b._shape_const((0, 0, t, bo, l, r, 0, 0))
        zp = b.zero_point()
        b._emit('pad', f'%{res.name} = tosa.pad %{x.name}, %{padding}, %{zp.name} : '
                + b._sig([x, '!tosa.shape<8>', zp], res))
        return res

    # ---- nas.py helpers -----------------------------------------------------
    def squeeze(self, x, f):
        return self.conv_bn(self.b.relu(x), f, 1, name='squeeze')

    def fit(self, src, tgt, f):
        b = self.b
        if src is None:
            return tgt
        if src.shape[1] == tgt.shape[1]:
            return self.squeeze(src, f)
        x = b.relu(src)
        p1 = self.pool('avg', x, 1, 2, 'valid')
        p1 = self.conv_bn(p1, int(f) // 2, 1, name='fit_p1')
        n, h, w, c = x.shape
        p2 = self.pad(x, ((0, 1), (0, 1)))
        p2 = b.slice(p2, (0, 1, 1, 0), (n, h - 1, w - 1, c))
        p2 = self.pool('avg', p2, 1, 2, 'valid')
        p2 = self.conv_bn(p2, int(f) // 2, 1, name='fit_p2')
        x = b.concat([p1, p2])
        with self.scope('fit_bn'):
            return b.dwconv(x, 1, 1, 'valid', bias=True, name='bn')

    def op(self, name, x, f, s):
        b = self.b
        if name == 'id':
            return x
        if name.startswith('sep'):
            k = int(name[3])
            x = self.sep_conv_bn(b.relu(x), f, k, s)
            return self.sep_conv_bn(b.relu(x), f, k, 1)
        if name.startswith('dil'):
            # nas.py: undilated, and the stride argument is ignored
            return self.sep_conv_bn(b.relu(x), f, int(name[3]), 1)
        if name == 'avg1x1':
            return self.pool('avg', x, 1, s, 'same')
        if name == 'avg3x3':
            return self.pool('avg', x, 3, s, 'same')
        if name == 'max3x3':
            return self.pool('max', x, 3, s, 'same')
        if name == '1x77x1':
            x = self.conv_bn(x, f, (1, 7), s, 'same', name='c1x7')
            return self.conv_bn(x, f, (7, 1), 1, 'same', name='c7x1')
        raise ValueError(name)

    def cell(self, prev, cur, f, geno, concat, reduction):
        cur = self.squeeze(cur, f)
        prev = self.fit(prev, cur, f)
        blocks = [prev, cur]
        for (ln, la), (rn, ra) in geno:
            lhs = self.op(ln, blocks[la], f, 2 if reduction and la < 2 else 1)
            rhs = self.op(rn, blocks[ra], f, 2 if reduction and ra < 2 else 1)
            blocks.append(self.b.add(lhs, rhs))
        return self.b.concat([blocks[i] for i in concat])


def build(net_name, imagenet, num_stacked=None, init_filters=None):
    b = mg.Builder('f32')
    stacked, filters = CONFIGS[(net_name, imagenet)]
    stacked = num_stacked or stacked
    filters = init_filters or filters
    g = GENOTYPES[net_name]
    net = Net(b)
    size = 224 if imagenet else 32
    x = b.input('input', (1, size, size, 3))
    with b.scope('stem'):
        cur = b.conv(x, NUM_STEM_FILTERS, 3, 2 if imagenet else 1, 'same', name='conv')
    normal = [NORMAL] * stacked
    if imagenet:
        kinds = [REDUCTION] * 2 + normal + [REDUCTION] + normal + [REDUCTION] + normal
    else:
        kinds = normal + [REDUCTION] + normal + [REDUCTION] + normal
    prev = None
    f = filters
    for i, kind in enumerate(kinds):
        b.comment(f'{net_name} {kind} cell {i}')
        if kind == REDUCTION:
            f *= 2
        with b.scope(f'cell{i}'):
            nxt = net.cell(prev, cur, int(f), g[kind], g[kind + '_concat'],
                           kind == REDUCTION)
        prev, cur = cur, nxt
    out = mg.classifier(b, cur, 1000 if imagenet else 100, relu_first=True)
    return b, out, (stacked, filters)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--net', required=True, choices=sorted(GENOTYPES))
    ap.add_argument('--imagenet', action='store_true')
    ap.add_argument('--stacked', type=int, default=None)
    ap.add_argument('--filters', type=float, default=None)
    ap.add_argument('-o', '--output', default='-')
    args = ap.parse_args()
    b, out, (n, f) = build(args.net, args.imagenet, args.stacked, args.filters)
    arch = 'imagenet' if args.imagenet else 'cifar'
    inputs = [v for v, w in b.args if not w]
    header = [
        f'Generated by: hmcos_nas.py --net {args.net}' + (' --imagenet' if args.imagenet else ''),
        f'HMCOS script/nas.py {args.net}-{arch}: create_model({arch.capitalize()}, '
        f'{args.net}, {n}, {f})',
        'input ' + ', '.join(b.ty(v.shape) for v in inputs) + f'; output {b.ty(out.shape)}',
        f'{len(b.args) - len(inputs)} weight arguments, {b.num_params} parameters, '
        f'{sum(b.op_counts.values())} tosa ops: '
        + ', '.join(f'{k} {v}' for k, v in sorted(b.op_counts.items())),
    ]
    text = b.finish([out], 'forward', header)
    if args.output == '-':
        sys.stdout.write(text)
    else:
        with open(args.output, 'w') as fh:
            fh.write(text)
    print(header[3], file=sys.stderr)


if __name__ == '__main__':
    main()
