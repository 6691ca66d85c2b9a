#!/usr/bin/env python3
"""Runs randprog programs through memopt's passes and checks the results.

For each seed, randprog.py writes a program; every configuration below runs
memopt-opt on it (all seeds of a batch at once with -split-input-file, then
one by one for a batch that fails) and memopt-reorder-check compares input
and output: the output parses and verifies, every block keeps its ops, uses
stay dominated, ops with conflicting memory effects keep their order, the
terminator or an unregistered last op stays last.

Every --exec-every-th seed also gets an executable program: it is lowered
(tosa-to-linalg, one-shot-bufferize, memopt-arena in alloc and arg mode,
LLVM) and run with mlir-runner; every variant must print what the program
prints without memopt.

Findings are reported as "FAIL <seed> <config> <kind>: <detail>". A file of
known failures (--known) turns matching findings into XFAIL; its entries are
"<config-glob> <kind> [<seed>]" lines. MEMOPT_RANDOM_STRICT=1 ignores that
file. --minimize writes a reduced reproducer of the first finding of each
(config, kind) to --findings.

Python 3 standard library only.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import randprog  # noqa: E402

# Checker violations that name ops by rp.id: a reduction keeps them exactly.
EXACT_KINDS = ("dominance", "last-op", "effect-order", "op-multiset")

ALGORITHMS = ["input", "rpo", "list", "dfs", "lpmf", "heuristics", "dp", "ilp", "auto"]


def sched_configs(tl=0.2):
    """(name, memopt-opt arguments, checker arguments). tl is the time limit
    of the exact solvers per function, so that a run stays short."""
    out = []
    for alg in ALGORITHMS:
        for ip in ("false", "true"):
            name = "schedule-%s%s" % (alg, "-inplace" if ip == "true" else "")
            out.append((name, ["--memory-schedule=algorithm=%s in-place=%s time-limit=%g" % (alg, ip, tl)], []))
    out += [
        ("schedule-pure", ["--memory-schedule=pure-dialects=foo time-limit=%g" % tl], ["--pure-dialect=foo"]),
        ("annotate", ["--memopt-annotate"], []),
        ("annotate-inplace", ["--memopt-annotate=in-place=true"], []),
        ("assign-offsets", ["--memopt-assign-offsets=time-limit=%g" % tl], []),
        ("assign-offsets-inplace", ["--memopt-assign-offsets=in-place=true algorithm=best"], []),
        ("report", ["--memopt-report"], []),
        ("report-json", ["--memopt-report=format=json"], []),
        ("plan", ["--memory-schedule=time-limit=%g" % tl, "--memopt-assign-offsets=algorithm=best",
                  "--memopt-report"], []),
        ("plan-strip", ["--memopt-plan=time-limit=%g" % tl, "--memopt-strip-annotations=all"], []),
        ("plan-html", ["--memory-schedule=time-limit=%g" % tl, "--memopt-assign-offsets=algorithm=best",
                       "--memopt-report=format=html", "--memopt-report=format=csv"], []),
        # Nested in a function pipeline: functions run in parallel.
        ("nested-plan", ["--pass-pipeline=builtin.module(func.func(memopt-annotate,"
                         "memory-schedule{time-limit=%g},memopt-assign-offsets{algorithm=best}),"
                         "memopt-report)" % tl], []),
    ]
    return out


TOSA_TO_LINALG = ("--pass-pipeline=builtin.module(func.func(tosa-to-linalg-named,"
                  "tosa-to-linalg,tosa-to-arith,tosa-to-tensor))")
LOWER = ["--memopt-strip-annotations=all", "--convert-linalg-to-loops", "--convert-scf-to-cf",
         "--expand-strided-metadata", "--lower-affine", "--finalize-memref-to-llvm",
         "--convert-math-to-llvm", "--convert-arith-to-llvm", "--convert-func-to-llvm",
         "--convert-cf-to-llvm", "--reconcile-unrealized-casts"]
BUFFERIZE = "--one-shot-bufferize=bufferize-function-boundaries"
# arena-mode=arg: @main is spliced back as text, easier with plain memrefs.
BUFFERIZE_ID = ("--one-shot-bufferize=bufferize-function-boundaries "
                "function-boundary-type-conversion=identity-layout-map")


def exec_configs():
    """(name, passes on the linalg program after which it is lowered, arena
    arg mode). memopt-opt verifies after each pass here."""
    return [
        ("exec-schedule-dp", ["--memory-schedule=algorithm=dp time-limit=0.5",
                              "--memopt-strip-annotations", BUFFERIZE], False),
        ("exec-arena", [BUFFERIZE, "--memopt-arena"], False),
        ("exec-arena-arg", [BUFFERIZE_ID, "--memopt-arena=arena-mode=arg"], True),
        ("exec-schedule-dp-arena", ["--memory-schedule=algorithm=dp time-limit=0.5",
                                    "--memopt-strip-annotations", BUFFERIZE,
                                    "--memopt-arena=alignment=64"], False),
        ("exec-schedule-auto-inplace-arena", ["--memory-schedule=in-place=true time-limit=0.5",
                                              "--memopt-strip-annotations", BUFFERIZE,
                                              "--memopt-arena"], False),
        ("exec-nested-schedule-arena",
         ["--pass-pipeline=builtin.module(func.func(memory-schedule{algorithm=dp time-limit=0.5},"
          "memopt-strip-annotations),one-shot-bufferize{bufferize-function-boundaries},"
          "func.func(memopt-arena{alignment=64}))"], False),
        ("exec-schedule-heuristics-arena-arg", ["--memory-schedule=algorithm=heuristics",
                                                "--memopt-strip-annotations", BUFFERIZE_ID,
                                                "--memopt-arena=arena-mode=arg"], True),
    ]


class Runner:
    def __init__(self, args):
        self.a = args
        self.opt = os.path.join(args.bin, "memopt-opt")
        self.check = os.path.join(args.bin, "memopt-reorder-check")
        self.tmp = tempfile.mkdtemp(prefix="randprog-")
        self.findings = []  # (seed, config, kind, detail)
        self.known = []
        if args.known and os.environ.get("MEMOPT_RANDOM_STRICT", "0") != "1":
            with open(args.known) as fh:
                for line in fh:
                    line = line.split("#", 1)[0].split()
                    if line:
                        self.known.append(line)
        self.known_hit = set()
        self.ran_configs = set()
        self.seeds_run = set()
        self.stats = {"programs": 0, "exec_programs": 0, "runs": 0}

    # -- processes -----------------------------------------------------------
    def run(self, cmd, stdin=None, timeout=None):
        self.stats["runs"] += 1
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                               timeout=timeout or self.a.timeout)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return "timeout", "", ""
        except OSError as e:
            # A tool being rebuilt: report it as a failure of that run.
            return 127, "", "error: cannot run %s: %s" % (cmd[0], e)

    def opt_run(self, src, passes, out, split=False, verify=False):
        cmd = [self.opt, "--allow-unregistered-dialect"]
        if not verify:
            cmd.append("--verify-each=false")
        if split:
            cmd.append("-split-input-file")
        return self.run(cmd + passes + [src, "-o", out])

    @staticmethod
    def classify_failure(rc, err):
        if rc == "timeout":
            return "timeout", "no result within the time limit"
        first = next((l for l in err.splitlines() if "error" in l.lower()), err.strip()[:200])
        if rc < 0 or "Stack dump" in err or "LLVM ERROR" in err or "Assertion" in err:
            return "crash", first or "signal %d" % -rc if isinstance(rc, int) and rc < 0 else first
        if "does not dominate" in err or "block with no terminator" in err:
            return "verify", first
        if "reordered body peaks at" in err:
            # memory-schedule's own check of the order it emitted.
            return "peak-check", first
        return "pass-error", first

    # -- findings ------------------------------------------------------------
    def record(self, seed, config, kind, detail):
        self.findings.append((seed, config, kind, detail))

    def is_known(self, seed, config, kind):
        for i, e in enumerate(self.known):
            if fnmatch.fnmatch(config, e[0]) and fnmatch.fnmatch(kind, e[1]) and \
               (len(e) < 3 or str(seed) in e[2].split(",")):
                self.known_hit.add(i)
                return True
        return False

    # -- reorder checks ------------------------------------------------------
    def check_pair(self, before, after, extra, split, max_reports=3):
        cmd = [self.check, "--max-reports=%d" % max_reports] + extra + (["--split-input-file"] if split else [])
        rc, out, err = self.run(cmd + [before, after])
        return rc, out, err

    def parse_violations(self, out):
        """chunk index (or 0) -> [(kind, detail)]"""
        res = {}
        for line in out.splitlines():
            m = re.match(r"(?:chunk (\d+): )?VIOLATION (\S+) (.*)", line)
            if m:
                res.setdefault(int(m.group(1) or 0), []).append((m.group(2), m.group(3)))
        return res

    def sched_one(self, seed, src, name, passes, extra, max_reports=3):
        """Runs one program alone; returns [(kind, detail)]."""
        out = src + "." + name + ".out.mlir"
        rc, _, err = self.opt_run(src, passes, out)
        if rc != 0:
            return [self.classify_failure(rc, err)]
        rc, cout, cerr = self.check_pair(src, out, extra, False, max_reports)
        if rc == 2:
            return [("checker-error", cerr.strip()[:200])]
        v = self.parse_violations(cout)
        return v.get(0, [])

    def sched_batch(self, seeds):
        progs = []
        for s in seeds:
            p = os.path.join(self.tmp, "p%d.mlir" % s)
            with open(p, "w") as fh:
                fh.write(randprog.generate(s))
            progs.append(p)
        texts = [open(p).read() for p in progs]
        self.stats["programs"] += len(seeds)
        for name, passes, extra in sched_configs(self.a.time_limit):
            if self.a.only and not fnmatch.fnmatch(name, self.a.only):
                continue
            self.ran_configs.add(name)
            self.seeds_run.update(seeds)
            per = {}
            active = list(range(len(seeds)))
            done = False
            # memopt-opt writes nothing when one chunk fails: drop the
            # chunks its errors point at and run the rest again.
            for _ in range(6):
                if not active:
                    done = True
                    break
                batch = os.path.join(self.tmp, "batch.%s.in.mlir" % name)
                starts, line = [], 1
                chunks = []
                for i in active:
                    starts.append(line)
                    chunks.append(texts[i])
                    line += texts[i].count("\n") + 1
                with open(batch, "w") as fh:
                    fh.write("\n// -----\n".join(chunks))
                out = os.path.join(self.tmp, "batch.%s.mlir" % name)
                rc, _, err = self.opt_run(batch, passes, out, split=True)
                if rc == 0:
                    crc, cout, cerr = self.check_pair(batch, out, extra, True)
                    if crc in (0, 1):
                        for k, v in self.parse_violations(cout).items():
                            per.setdefault(active[k], []).extend(v)
                        done = True
                    break
                if self.classify_failure(rc, err)[0] in ("crash", "timeout"):
                    break
                bad = {}
                for l in err.splitlines():
                    m = re.match(r".*\.mlir:(\d+):\d+: error: (.*)", l)
                    if m:
                        k = max(j for j, st in enumerate(starts) if st <= int(m.group(1)))
                        bad.setdefault(k, m.group(2))
                if not bad:
                    break
                for k, msg in bad.items():
                    per.setdefault(active[k], []).append(self.classify_failure(1, "error: " + msg))
                active = [i for j, i in enumerate(active) if j not in bad]
            if not done:
                # A crash: run the remaining programs one by one.
                for i in active:
                    v = self.sched_one(seeds[i], progs[i], name, passes, extra)
                    if v:
                        per.setdefault(i, []).extend(v)
            for i, vs in sorted(per.items()):
                kinds = {}
                for kind, detail in vs:
                    kinds.setdefault(kind, detail)
                for kind, detail in kinds.items():
                    self.record(seeds[i], name, kind, detail)

    # -- execution -----------------------------------------------------------
    def runner_cmd(self):
        lib = self.a.llvm_lib
        return [os.path.join(self.a.llvm_bin, "mlir-runner"), "-e", "main",
                "--entry-point-result=void",
                "-shared-libs=%s/libmlir_runner_utils.so,%s/libmlir_c_runner_utils.so" % (lib, lib)]

    def lower_and_run(self, src):
        llvm_ir = src + ".llvm.mlir"
        rc, _, err = self.opt_run(src, LOWER, llvm_ir)
        if rc != 0:
            return None, "lowering: " + self.classify_failure(rc, err)[1]
        rc, out, err = self.run(self.runner_cmd() + [llvm_ir])
        if rc != 0:
            lines = [l for l in err.strip().splitlines()
                     if l.strip() and not l.startswith(("#", " #", "Stack dump", "PLEASE", "0.", "1."))]
            return None, "mlir-runner exit %s: %s" % (rc, (lines or [""])[0][:200])
        return "\n".join(l for l in out.splitlines() if "base@" not in l), None

    @staticmethod
    def deallocs_of_views(text):
        """A memref.dealloc of a value derived from a memref.view frees the
        arena (or a pointer inside it): memopt-arena must remove it. Returns
        a description of the first such dealloc, or None."""
        src_re = re.compile(r"^\s*(%[\w.]+) = memref\.(cast|view|subview|reinterpret_cast) (%[\w.]+)")
        for func in re.split(r"\n(?=  func\.func )", text):
            source = {}
            for line in func.splitlines():
                m = src_re.match(line)
                if m:
                    source[m.group(1)] = (m.group(2), m.group(3))
                d = re.search(r"memref\.dealloc (%[\w.]+)", line)
                if not d:
                    continue
                v, chain = d.group(1), []
                while v in source:
                    op, v = source[v]
                    chain.append(op)
                    if op == "view":
                        name = re.search(r"func\.func (?:private )?@(\w+)", func)
                        return "@%s: memref.dealloc of a value derived from the arena (%s)" % (
                            name.group(1) if name else "?", " of ".join(chain))
        return None

    @staticmethod
    def split_main(text):
        """Splits a bufferized module into (module without @main and the
        print declaration, the lines of those two)."""
        lines = text.splitlines()
        keep, main = [], []
        i = 0
        while i < len(lines):
            l = lines[i]
            if l.startswith("  func.func @main("):
                while True:
                    main.append(lines[i])
                    if lines[i] == "  }":
                        break
                    i += 1
            elif l.startswith("  func.func private @printMemrefF32"):
                main.append(l)
            else:
                keep.append(l)
            i += 1
        return "\n".join(keep) + "\n", main

    def add_arena_main(self, text, main):
        """Puts @main back after arena-mode=arg: it allocates the arena and
        passes it to @f."""
        m = re.search(r"func\.func @f\(.*%[\w]+: memref<(\d+)xi8>\)", text)
        if not m:
            return None
        size = int(m.group(1))
        out = []
        for l in main:
            c = re.match(r"(\s*)(.*call @f\()(.*?)(\) : \()(.*?)(\) -> .*)$", l)
            if c:
                ind = c.group(1)
                out.append("%s%%rp_arena = memref.alloc() : memref<%dxi8>" % (ind, size))
                sep = ", " if c.group(3) else ""
                l = "%s%s%s%s%%rp_arena%s%s%s%smemref<%dxi8>%s" % (
                    ind, c.group(2), c.group(3), sep, c.group(4), c.group(5), sep, "", size, c.group(6))
            out.append(l)
        body = text.rstrip()
        assert body.endswith("}")
        return body[:-1] + "\n".join(out) + "\n}\n"

    def exec_one(self, seed):
        self.stats["exec_programs"] += 1
        self.seeds_run.add(seed)
        for config, kind, detail in self.exec_text(randprog.generate(seed, exec_mode=True),
                                                   "e%d" % seed):
            self.record(seed, config, kind, detail)

    def exec_text(self, text, stem, only=None):
        """Runs an executable program without memopt and through every
        exec configuration; returns [(config, kind, detail)]."""
        found = []
        src = os.path.join(self.tmp, stem + ".mlir")
        with open(src, "w") as fh:
            fh.write(text)
        lin = src + ".linalg.mlir"
        if "tosa." in text:
            rc, _, err = self.opt_run(src, [TOSA_TO_LINALG], lin, verify=True)
            if rc != 0:
                return [("exec-ref", "harness", "tosa-to-linalg: " + err.strip()[:200])]
        else:
            lin = src
        ref_buf = src + ".ref.mlir"
        rc, _, err = self.opt_run(lin, [BUFFERIZE], ref_buf, verify=True)
        if rc != 0:
            return [("exec-ref", "harness", "bufferize: " + err.strip()[:200])]
        ref, why = self.lower_and_run(ref_buf)
        if ref is None:
            return [("exec-ref", "harness", why)]
        for name, passes, arg_mode in exec_configs():
            if only and name != only:
                continue
            if self.a.only and not fnmatch.fnmatch(name, self.a.only):
                continue
            self.ran_configs.add(name)
            out = src + "." + name + ".mlir"
            if arg_mode:
                # @main calls @f, which would keep its signature: plan @f
                # alone, then call it with an arena.
                pre = src + "." + name + ".pre.mlir"
                rc, _, err = self.opt_run(lin, passes[:-1], pre, verify=True)
                if rc != 0:
                    found.append((name,) + self.classify_failure(rc, err))
                    continue
                body, main = self.split_main(open(pre).read())
                alone = pre + ".alone.mlir"
                with open(alone, "w") as fh:
                    fh.write(body)
                rc, _, err = self.opt_run(alone, passes[-1:], out, verify=True)
                if rc != 0:
                    found.append((name,) + self.classify_failure(rc, err))
                    continue
                text = self.add_arena_main(open(out).read(), main)
                if text is None:
                    found.append((name, "harness", "no arena argument on @f"))
                    continue
                with open(out, "w") as fh:
                    fh.write(text)
            else:
                rc, _, err = self.opt_run(lin, passes, out, verify=True)
                if rc != 0:
                    found.append((name,) + self.classify_failure(rc, err))
                    continue
            if "memopt-arena" in " ".join(passes):
                bad = self.deallocs_of_views(open(out).read())
                if bad:
                    found.append((name, "arena-dealloc", bad))
            got, why = self.lower_and_run(out)
            if got is None:
                found.append((name, "exec-error", why))
            elif got != ref:
                found.append((name, "exec-mismatch", "output differs from the unplanned program"))
        return found

    # -- minimization ----------------------------------------------------------
    def reproduces(self, text, config, kind, detail=None):
        p = os.path.join(self.tmp, "min.mlir")
        with open(p, "w") as fh:
            fh.write(text)
        # The candidate itself must be valid.
        rc, _, _ = self.run([self.opt, "--allow-unregistered-dialect", p, "-o", os.devnull])
        if rc == 0 and config.startswith("exec") and kind != "exec-error":
            # A removed write may leave a read of uninitialized memory.
            for name in re.findall(r"%(\w+) = memref.alloc\(", text):
                if not re.search(r"linalg.fill .*outs\(%%%s :" % name, text):
                    rc = 1
        if rc != 0:
            return False
        if config.startswith("exec"):
            got = self.exec_text(text, "min", only=config)
            return any(k == kind for _, k, _ in got)
        conf = {c[0]: c for c in sched_configs(self.a.time_limit)}.get(config)
        if conf is None:
            return False
        got = self.sched_one(0, p, "min", conf[1], conf[2], max_reports=0)
        if kind in EXACT_KINDS and detail is not None:
            # The checker names ops by rp.id, which reduction keeps: the
            # very violation must stay.
            return any(k == kind and d == detail for k, d in got)
        return any(k == kind for k, _ in got)

    def minimize(self, text, config, kind, budget, detail=None):
        lines = text.splitlines()
        start = time.time()

        def ok(ls):
            return self.reproduces("\n".join(ls) + "\n", config, kind, detail)

        def spans(ls):
            """Removable ops: a line, or a line opening a region up to its end."""
            out = []
            i = 0
            while i < len(ls):
                l = ls[i].strip()
                if not l or l.startswith(("//", "}", "^", "func.func", "module", "return",
                                          "scf.yield", "linalg.yield")):
                    i += 1
                    continue
                end = i
                if l.endswith("{"):
                    depth = 0
                    for j in range(i, len(ls)):
                        depth += ls[j].count("{") - ls[j].count("}")
                        if depth <= 0 and j > i:
                            end = j
                            break
                out.append((i, end))
                i = end + 1 if end > i and not ls[i].strip().startswith(("%if", "%for", "%sel")) else i + 1
            return out

        changed = True
        while changed and time.time() - start < budget:
            changed = False
            # Remove groups of ops, halving the group size (delta debugging).
            n = len(spans(lines))
            k = max(1, n // 2)
            while k >= 1 and time.time() - start < budget:
                sp = spans(lines)
                g = len(sp) - k
                while g >= 0 and time.time() - start < budget:
                    group = sp[g:g + k]
                    drop = set()
                    for (i, e) in group:
                        drop.update(range(i, e + 1))
                    cand = [l for j, l in enumerate(lines) if j not in drop]
                    if ok(cand):
                        lines = cand
                        changed = True
                        sp = spans(lines)
                        g = min(g, len(sp)) - k
                    else:
                        g -= k
                k //= 2
            # Drop results of functions one at a time.
            for i, l in enumerate(lines if not config.startswith("exec") else []):
                m = re.match(r"(\s*return \{[^}]*\} )(.*) : (.*)$", l)
                if not m:
                    continue
                vals, tys = m.group(2).split(", "), m.group(3).split(", ")
                if len(vals) < 2:
                    continue
                h = max(j for j in range(i) if lines[j].lstrip().startswith("func.func"))
                for k in range(len(vals)):
                    nv = vals[:k] + vals[k + 1:]
                    nt = tys[:k] + tys[k + 1:]
                    head = re.sub(r"-> \(.*\) \{$", "-> (%s) {" % ", ".join(nt), lines[h])
                    cand = list(lines)
                    cand[i] = "%s%s : %s" % (m.group(1), ", ".join(nv), ", ".join(nt))
                    cand[h] = head
                    if ok(cand):
                        lines = cand
                        changed = True
                        break
        return "\n".join(lines) + "\n"

    # -- driver ----------------------------------------------------------------
    def main(self):
        a = self.a
        seeds = [int(x) for x in a.seeds.split(",")] if a.seeds else \
            list(range(a.start, a.start + a.count))
        t0 = time.time()
        for b in range(0, len(seeds), a.batch):
            self.sched_batch(seeds[b:b + a.batch])
            if a.verbose:
                print("... %d programs, %d findings, %.0fs" % (
                    self.stats["programs"], len(self.findings), time.time() - t0), flush=True)
        if a.exec_every:
            for i, s in enumerate(seeds):
                if i % a.exec_every == 0:
                    self.exec_one(s)
            if a.verbose:
                print("... %d executable programs, %.0fs" % (self.stats["exec_programs"], time.time() - t0),
                      flush=True)
        return self.report(time.time() - t0)

    def report(self, seconds):
        fails, xfails = [], []
        for f in self.findings:
            (xfails if self.is_known(*f[:3]) else fails).append(f)
        for s, c, k, d in fails:
            print("FAIL %d %s %s: %s" % (s, c, k, d[:300]))
        for s, c, k, d in xfails:
            if self.a.verbose:
                print("XFAIL %d %s %s: %s" % (s, c, k, d[:200]))
        ran = set(self.ran_configs)
        seeds_run = set(self.seeds_run)

        def relevant(e):
            return any(fnmatch.fnmatch(c, e[0]) for c in ran) and \
                (len(e) < 3 or any(int(x) in seeds_run for x in e[2].split(",")))
        stale = [" ".join(e) for i, e in enumerate(self.known)
                 if i not in self.known_hit and relevant(e)]
        # Summary by kind and by configuration.
        by_kind, by_conf = {}, {}
        for s, c, k, _ in self.findings:
            by_kind.setdefault(k, set()).add(s)
            by_conf.setdefault((c, k), set()).add(s)
        print("programs: %d (+%d executable), memopt-opt/checker/runner runs: %d, %.0f s"
              % (self.stats["programs"], self.stats["exec_programs"], self.stats["runs"], seconds))
        print("findings: %d (%d known), programs failing by kind:" % (len(self.findings), len(xfails)))
        for k in sorted(by_kind):
            print("  %-16s %d" % (k, len(by_kind[k])))
        for (c, k) in sorted(by_conf):
            ss = sorted(by_conf[(c, k)])
            print("  %-36s %-16s %4d  seeds %s%s" % (c, k, len(ss), ",".join(map(str, ss[:8])),
                                                    "..." if len(ss) > 8 else ""))
        if stale:
            print("known failures that did not occur (remove them from %s):" % self.a.known)
            for e in stale:
                print("  XPASS " + e)
        if self.a.write_known:
            self.write_known(by_conf)
        if self.a.minimize:
            self.write_findings()
        if self.a.json:
            import json
            with open(self.a.json, "w") as fh:
                json.dump([{"seed": s, "config": c, "kind": k, "detail": d}
                           for s, c, k, d in self.findings], fh, indent=1)
        return 1 if fails else 0

    def write_known(self, by_conf):
        with open(self.a.write_known, "w") as fh:
            fh.write("# Known failures of utils/randprog/run.py: <config-glob> <kind> [seeds]\n"
                     "# Written by --write-known; MEMOPT_RANDOM_STRICT=1 ignores this file.\n")
            for (c, k) in sorted(by_conf):
                fh.write("%s %s %s\n" % (c, k, ",".join(map(str, sorted(by_conf[(c, k)])))))

    def write_findings(self):
        os.makedirs(self.a.findings, exist_ok=True)
        done = set()
        kinds_seen = set()
        written = 0
        for s, c, k, d in self.findings:
            # One reproducer per kind and shape of message (ids and numbers
            # removed); verify failures only when nothing else explains them.
            sig = (k, re.sub(r"\(rp\.id = \d+\)|\d+|@\w+", "", d)[:90])
            if sig in done or k in ("harness", "timeout") or written >= self.a.max_reproducers:
                continue
            if k == "verify" and any(f[0] == s and f[1] == c and f[2] != "verify" for f in self.findings):
                continue
            if self.a.only_new_kinds and (c[:4], k) in kinds_seen:
                continue
            done.add(sig)
            kinds_seen.add((c[:4], k))
            written += 1
            if c.startswith("exec"):
                self.write_exec_finding(s, c, k, d)
                continue
            text = randprog.generate(s)
            small = self.minimize(text, c, k, self.a.minimize_seconds, d)
            conf = {x[0]: x for x in sched_configs(self.a.time_limit)}[c]
            path = os.path.join(self.a.findings, "%s-%s-seed%d.mlir" % (k, c, s))
            with open(path, "w") as fh:
                fh.write("// Finding of utils/randprog/run.py: seed %d, %s, %s\n" % (s, c, k))
                fh.write("// %s\n" % d[:300].replace("\n", " "))
                fh.write("// Reproduce: memopt-opt --allow-unregistered-dialect --verify-each=false %s %s -o out.mlir\n"
                         % (" ".join("'%s'" % p for p in conf[1]), os.path.basename(path)))
                fh.write("//            memopt-reorder-check %s%s out.mlir\n"
                         % (" ".join(conf[2]) + " " if conf[2] else "", os.path.basename(path)))
                fh.write(small)
            print("reproducer: %s (%d lines)" % (path, small.count("\n")))


    def write_exec_finding(self, s, c, k, d):
        text = randprog.generate(s, exec_mode=True)
        small = self.minimize(text, c, k, 3 * self.a.minimize_seconds)
        conf = {x[0]: x for x in exec_configs()}[c]
        path = os.path.join(self.a.findings, "%s-%s-seed%d.mlir" % (k, c, s))
        with open(path, "w") as fh:
            fh.write("// Finding of utils/randprog/run.py: seed %d --exec, %s, %s\n" % (s, c, k))
            fh.write("// %s\n" % d[:300].replace("\n", " "))
            if "tosa." in small:
                fh.write("// Reproduce: lower tosa (%s), then compare the output of\n" % TOSA_TO_LINALG[16:])
            else:
                fh.write("// Reproduce (no tosa: no tosa lowering, whose folding would erase casts): compare\n")
            fh.write("//   memopt-opt '%s' | memopt-opt <lower> | mlir-runner ...\n" % BUFFERIZE)
            fh.write("//   memopt-opt %s | memopt-opt <lower> | mlir-runner ...\n"
                     % " ".join("'%s'" % p for p in conf[1]))
            if conf[2]:
                fh.write("//   (arena-mode=arg: run the arena pass without @main, then pass an arena to @f)\n")
            fh.write("// where <lower> is %s\n" % " ".join(LOWER))
            fh.write(small)
        print("reproducer: %s (%d lines)" % (path, small.count("\n")))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.path.join(HERE, "..", "..", "build", "bin"),
                   help="directory of memopt-opt and memopt-reorder-check")
    p.add_argument("--llvm-bin", default="/usr/lib/llvm-22/bin")
    p.add_argument("--llvm-lib", default="/usr/lib/llvm-22/lib")
    p.add_argument("--start", type=int, default=0, help="first seed")
    p.add_argument("--count", type=int, default=40, help="number of seeds")
    p.add_argument("--seeds", default=None, help="comma-separated seeds (instead of --start/--count)")
    p.add_argument("--batch", type=int, default=50, help="programs per memopt-opt run")
    p.add_argument("--exec-every", type=int, default=5,
                   help="every k-th seed is also executed (0: never)")
    p.add_argument("--only", default=None, help="glob of configurations to run")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--time-limit", type=float, default=0.2,
                   help="time limit of memopt's exact solvers per function (s)")
    p.add_argument("--known", default=None, help="file of known failures")
    p.add_argument("--write-known", default=None,
                   help="write every finding of this run as a known failure to this file")
    p.add_argument("--minimize", action="store_true", help="write reduced reproducers")
    p.add_argument("--minimize-seconds", type=float, default=60,
                   help="time spent reducing each reproducer (exec ones: 3x)")
    p.add_argument("--max-reproducers", type=int, default=12)
    p.add_argument("--only-new-kinds", action="store_true",
                   help="one reproducer per kind (exec or not) instead of per message shape")
    p.add_argument("--findings", default=os.path.join(HERE, "findings"))
    p.add_argument("--json", default=None, help="write all findings as JSON")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = p.parse_args(argv)
    r = Runner(a)
    try:
        return r.main()
    finally:
        if a.keep:
            print("temporary files in " + r.tmp)
        else:
            import shutil
            shutil.rmtree(r.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
