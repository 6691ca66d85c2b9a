#!/usr/bin/env python3
"""Peak memory of an op order of a memopt-modelgen tosa MLIR function.

Stdlib only.  Reads the MLIR and a schedule (one SSA result name per line, as
written by hmcos_run into SCHED_DIR/<model>.{prog,rpo,hmcos}.txt; node names
are the MLIR result names without '%'), and prints the peak under

  plain : a value is live from its producer through its last consumer, the
          inputs and outputs of a step are live together, the graph input is
          live from the start, results to the end, weights/constants excluded;
  hmcos : the same plus HMCOS's in-place rule (src/sched/life.cpp
          OverlapInput): a single-output element-wise op (tosa add, sub, mul,
          clamp, ...) or reshape writes over its first non-weight operand
          with the same byte size if that operand dies at this op.

Without a schedule file the program order is used.  This re-implements both
models independently of HMCOS as a cross-check of hmcos_run's numbers.

usage: eval_schedule.py MODEL.mlir [SCHEDULE.txt ...]
"""
import re
import sys

BYTES = {'f32': 4, 'f16': 2, 'bf16': 2, 'f64': 8, 'i8': 1, 'i32': 4, 'i64': 8}
# tosa ops that mlir_to_onnx.py turns into an ONNX op listed in HMCOS's
# ewOps / reinterpOps (src/util/op.cpp)
INPLACE = {'add', 'sub', 'mul', 'clamp', 'abs', 'exp', 'reciprocal', 'sigmoid',
           'tanh', 'pow', 'reshape'}
OP_RE = re.compile(r'^\s*%([\w.$-]+)\s*=\s*tosa\.(\w+)\s+(.*)$')


def size_of(ty):
    parts = ty.split('x')
    n = 1
    for d in parts[:-1]:
        n *= int(d)
    return n * BYTES[parts[-1]]


def parse(path):
    text = open(path).read()
    func = next(l for l in text.splitlines() if 'func.func' in l)
    args = re.findall(r'%([\w.$-]+)\s*:\s*tensor<([^>]*)>', func.split('->')[0])
    inputs = {args[0][0]: size_of(args[0][1])}       # first argument = input
    ops = {}
    order = []
    ret = []
    for line in text.splitlines():
        m = OP_RE.match(line)
        if m and m.group(2) not in ('const_shape',):
            res, kind, rest = m.groups()
            opnd_txt = re.split(r'\s*(\{|\s:\s)', rest, maxsplit=1)[0]
            opnds = [o.strip().lstrip('%') for o in opnd_txt.split(',')
                     if o.strip().startswith('%')]
            ty = re.findall(r'tensor<([^>]*)>', rest[rest.rfind(' : '):])[-1]
            ops[res] = (kind, opnds, size_of(ty))
            order.append(res)
        r = re.match(r'^\s*return\s+(.*?)\s*:', line)
        if r:
            ret = [x.strip().lstrip('%') for x in r.group(1).split(',')]
    for res in list(ops):  # operands that are values (drop weights/consts)
        kind, opnds, sz = ops[res]
        ops[res] = (kind, [o for o in opnds if o in ops or o in inputs], sz)
    return inputs, ops, order, ret


def peak(inputs, ops, seq, ret, inplace):
    size = dict(inputs)
    for r, (_, _, s) in ops.items():
        size[r] = s
    uses = {}
    for r in seq:
        for o in ops[r][1]:
            uses[o] = uses.get(o, 0) + 1
    total = sum(inputs.values())
    best = total
    pending = []
    for r in seq:
        kind, opnds, sz = ops[r]
        total += sz
        for v in pending:
            total -= size[v]
        pending = []
        ovl = None
        if inplace and kind in INPLACE:
            ovl = next((i for i, o in enumerate(opnds) if size[o] == sz), None)
        for i, o in enumerate(opnds):
            uses[o] -= 1
            if uses[o] == 0 and o not in ret:
                if i == ovl:
                    total -= size[o]
                else:
                    pending.append(o)
        best = max(best, total)
    return best


def main():
    inputs, ops, order, ret = parse(sys.argv[1])
    scheds = sys.argv[2:] or [None]
    for s in scheds:
        seq = order if s is None else [l.strip() for l in open(s) if l.strip()]
        assert sorted(seq) == sorted(order), 'schedule does not cover the ops'
        print('%s: ops=%d plain_peak=%d hmcos_model_peak=%d' % (
            s or 'program order', len(seq), peak(inputs, ops, seq, ret, False),
            peak(inputs, ops, seq, ret, True)))


if __name__ == '__main__':
    main()
