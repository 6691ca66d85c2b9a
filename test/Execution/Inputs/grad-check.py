#!/usr/bin/env python3
"""Check the gradients of a generated training step by central differences.

Usage: grad-check.py MODELGEN OUT.mlir [--weight-scale S] [--tensors N]
                     -- MODELGEN-ARGS...
       grad-check.py --compare OUT.mlir RUNNER-OUTPUT

The first form generates ``--train --input-grad`` for the given model and
appends a @main that calls the step once at a base point (deterministic
pseudo-random inputs, He-uniform weights times S (default 1; deep nets
without BatchNorm need S < 1 to keep the loss smooth at the step), a one-hot
label) and then, for
every weight and for the input (or N of them at random, for big models), at base +- eps * V with V a +-1 pattern
on 16 random elements (directional check) and at base +- eps * e_k for one
element (element check), at two steps eps. @main prints the loss and the
gradients, then the loss differences
L(+) - L(-), computed in the program so that printing loses no precision.

The second form reads the runner's output and compares, per check,
(L(+) - L(-)) / 2 eps with the directional derivative grad . V from the
printed gradient, in f32, with |fd - grad| <= ULPS ulp(loss) / 2 eps +
RTOL * max(|fd|, |grad|) at either step.
It prints one line per check and exits non-zero on any failure.
"""

import importlib.util
import json
import math
import random
import re
import struct
import sys

# Steps: a check passes at either; the smaller one is for when the larger
# crosses a ReLU or max-pool kink (then only the smaller agrees).
STEPS = (1e-3, 2.5e-4)
DIRECTION_SIZE = 16   # elements moved together in a directional check
ULPS = 4              # f32 rounding of each loss, in ulps of the loss
RTOL = 1e-2           # curvature (O(eps^2)) and rounding inside the step


def load_generator(path):
    spec = importlib.util.spec_from_file_location("modelgen", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def hex_dense(values, ty):
    data = struct.pack(f"<{len(values)}f", *values)
    return f'arith.constant dense<"0x{data.hex().upper()}"> : {ty}'


def generate(gen_path, out_path, gen_args, weight_scale, max_tensors):
    gen = load_generator(gen_path)
    opts = gen.parse_args(gen_args + ["--train", "--input-grad"])
    text, b = gen.generate(opts)
    rng = random.Random(1)
    args = [v for v, _ in b.args]
    weights = {v.name for v, w in b.args if w}
    base = []
    for v in args:
        n = math.prod(v.shape)
        if v.name == "label":
            k = v.shape[-1]
            base.append([float(i % k == (3 * (i // k) + 1) % k) for i in range(n)])
        elif v.name in weights and len(v.shape) > 1:
            # He uniform: fan-in = elements per output channel.
            fan_in = n // max(v.shape[-1] if len(v.shape) == 3 else v.shape[0], 1)
            if len(v.shape) == 4 and v.shape[3] == 1:     # depthwise HWCM
                fan_in = v.shape[0] * v.shape[1]
            if len(v.shape) == 4 and v.shape[0] == v.shape[1] == v.shape[2] == 1:
                fan_in = 1                                 # RandWire edge weight
            a = weight_scale * math.sqrt(6.0 / max(fan_in, 1))
            base.append([rng.uniform(-a, a) for _ in range(n)])
        else:
            base.append([rng.uniform(-1, 1) if v.name == "input"
                         else rng.uniform(-0.1, 0.1) for _ in range(n)])
    # Checks: (arg index, direction as {element: coefficient}, eps).
    checks = []
    checked = [i for i, v in enumerate(args) if v.name != "label"]
    if max_tensors and max_tensors < len(checked):
        checked = sorted(random.Random(2).sample(checked, max_tensors))
    for i, v in enumerate(args):
        if i not in checked:
            continue
        n = math.prod(v.shape)
        pattern = {k: (1.0 if rng.random() < 0.5 else -1.0)
                   for k in rng.sample(range(n), min(DIRECTION_SIZE, n))}
        checks.append((i, pattern))
        for k in rng.sample(range(n), 1):
            checks.append((i, {k: 1.0}))
    tys = [b.ty(v.shape) for v in args]
    func = opts.func_name or "train_step"
    header = re.search(r"func\.func @" + func + r"\(.*\) -> \((.*)\) \{", text)
    rets = header.group(1)
    nres = rets.count("tensor<")
    lines = ["  func.func @main() {"]
    for i, vals in enumerate(base):
        lines.append(f"    %a{i} = {hex_dense(vals, tys[i])}")

    def call(name, operands):
        res = ", ".join(f"%{name}_{r}" for r in range(nres))
        lines.append(f"    {res} = call @{func}({', '.join(operands)}) : "
                     f"({', '.join(tys)}) -> ({rets})")

    call("base", [f"%a{i}" for i in range(len(args))])
    ret_tys = ["tensor<" + t.strip().rstrip(",").strip() for t in rets.split("tensor<")[1:]]
    for r in range(nres):
        lines.append(f"    %gu{r} = tensor.cast %base_{r} : {ret_tys[r]} to tensor<*xf32>")
        lines.append(f"    call @printMemrefF32(%gu{r}) : (tensor<*xf32>) -> ()")
    diffs = []
    for c, (i, direction, eps) in enumerate(
            (i, d, eps) for i, d in checks for eps in STEPS):
        ops = {}
        for sign, tag in ((1, "p"), (-1, "m")):
            vals = list(base[i])
            for k, coef in direction.items():
                vals[k] += sign * eps * coef
            lines.append(f"    %{tag}{c} = {hex_dense(vals, tys[i])}")
            operands = [f"%a{j}" if j != i else f"%{tag}{c}" for j in range(len(args))]
            call(f"{tag}{c}r", operands)
            ops[tag] = f"%{tag}{c}r_0"
        lines.append(f"    %d{c} = tosa.sub {ops['p']}, {ops['m']} : ({ret_tys[0]}, "
                     f"{ret_tys[0]}) -> {ret_tys[0]}")
        diffs.append(f"%d{c}")
    lines.append(f"    %dall = tosa.concat {', '.join(diffs)} {{axis = 0 : i32}} : "
                 f"({', '.join([ret_tys[0]] * len(diffs))}) -> tensor<{len(diffs)}xf32>")
    lines.append(f"    %du = tensor.cast %dall : tensor<{len(diffs)}xf32> to tensor<*xf32>")
    lines.append("    call @printMemrefF32(%du) : (tensor<*xf32>) -> ()")
    lines.append("    return")
    lines.append("  }")
    lines.append("  func.func private @printMemrefF32(tensor<*xf32>) "
                 "attributes {llvm.emit_c_interface}")
    body = text.rstrip()
    assert body.endswith("}")
    with open(out_path, "w") as f:
        f.write(body[:-1] + "\n".join(lines) + "\n}\n")
    # The checks, for --compare: gradient result index per argument.
    grad_index = {}
    r = 1
    for i, v in enumerate(args):
        if v.name in weights:
            grad_index[i] = r
            r += 1
    grad_index[args.index(next(v for v in args if v.name == "input"))] = r
    meta = {"checks": [(i, grad_index[i], sorted(d.items())) for i, d in checks],
            "names": [v.name for v in args], "nres": nres}
    with open(out_path + ".json", "w") as f:
        json.dump(meta, f)


NUMBER = re.compile(r"-?(?:nan|inf|\d+(?:\.\d*)?(?:e[-+]?\d+)?)")


def parse_memrefs(text):
    blocks = re.split(r"Unranked Memref[^\n]*\n", text)[1:]
    return [[float(x) for x in NUMBER.findall(b)] for b in blocks]


def compare(meta_path, out_path):
    with open(meta_path) as f:
        meta = json.load(f)
    with open(out_path) as f:
        tensors = parse_memrefs(f.read())
    (loss,), grads, diffs = tensors[0], tensors[1:meta["nres"]], tensors[-1]
    # ulp of an f32 near the loss
    ulp = 2.0 ** (math.floor(math.log2(abs(loss))) - 23)
    print(f"loss {loss:.6g}; tolerance |fd - grad| <= {ULPS} ulp(loss) / 2 eps + "
          f"{RTOL} max(|fd|, |grad|) at eps = {' or '.join(map(str, STEPS))}")
    failures = 0
    nonzero = 0
    if len(diffs) != len(STEPS) * len(meta["checks"]):
        print(f"FAIL expected {len(STEPS) * len(meta['checks'])} differences, "
              f"got {len(diffs)}")
        return 1
    for c, (arg, res, direction) in enumerate(meta["checks"]):
        g = grads[res - 1]
        analytic = sum(g[k] * coef for k, coef in direction)
        ok, text = False, []
        for s, eps in enumerate(STEPS):
            fd = diffs[c * len(STEPS) + s] / (2 * eps)
            tol = ULPS * ulp / (2 * eps) + RTOL * max(abs(fd), abs(analytic))
            ok = ok or (abs(fd - analytic) <= tol and math.isfinite(analytic))
            text.append(f"fd {fd: .6e} (|diff| {abs(fd - analytic):.1e} tol {tol:.1e})")
        nonzero += analytic != 0.0
        failures += not ok
        what = "direction" if len(direction) > 1 else f"element {direction[0][0]}"
        print(f"{'ok  ' if ok else 'FAIL'} {meta['names'][arg]:24s} {what:13s} "
              f"grad {analytic: .6e} " + " ".join(text))
    if nonzero < len(meta["checks"]) // 2:
        print(f"FAIL only {nonzero} non-zero analytic derivatives")
        failures += 1
    print(f"{len(meta['checks'])} checks, {failures} failures")
    return 1 if failures else 0


def main(argv):
    if argv[0] == "--compare":
        return compare(argv[1] + ".json", argv[2])
    sep = argv.index("--")
    options = dict(zip(argv[2:sep:2], argv[3:sep:2]))
    generate(argv[0], argv[1], argv[sep + 1:], float(options.get("--weight-scale", 1.0)),
             int(options.get("--tensors", 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
