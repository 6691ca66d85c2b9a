#!/usr/bin/python3
"""Check a converted model with the onnx package (Debian: python3-onnx).

Optional helper, not needed to run HMCOS.  Parses the model, drops all
value_info, re-runs onnx strict shape inference and checks that every
inferred intermediate/output shape equals the one written by
mlir_to_onnx.py.  Prints node/op counts.  Run it with the system python
(/usr/bin/python3), where apt installed onnx.

usage: /usr/bin/python3 verify_onnx.py MODEL.onnx...
"""
import collections
import sys

import onnx
from onnx import shape_inference


def dims(vi):
    return [d.dim_value for d in vi.type.tensor_type.shape.dim]


def check(path):
    m = onnx.load(path)
    g = m.graph
    written = {vi.name: dims(vi) for vi in list(g.value_info) + list(g.output)}
    del g.value_info[:]
    out_shapes = {vi.name: dims(vi) for vi in g.output}
    inf = shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    got = {vi.name: dims(vi) for vi in inf.graph.value_info}
    got.update(out_shapes)
    bad = [(n, written[n], got.get(n)) for n in written if got.get(n) != written[n]]
    ops = collections.Counter(n.op_type for n in g.node)
    print('%s: %d nodes, %d initializers, %d values checked, %d mismatches; %s'
          % (path, len(g.node), len(g.initializer), len(written), len(bad),
             ', '.join('%s %d' % kv for kv in sorted(ops.items()))))
    for b in bad[:10]:
        print('  mismatch', b)
    return not bad


if __name__ == '__main__':
    ok = all([check(p) for p in sys.argv[1:]])
    sys.exit(0 if ok else 1)
