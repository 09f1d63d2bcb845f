"""Multi-stage pipelines and the scheduling language: a schedule never changes the values.

What it does: builds random multi-stage stencil pipelines (2-4 Funcs of int32, uint16 or
float32 arithmetic on neighbour accesses, reading a NumPy input through a Func that clamps
its coordinates), schedules them with random but legal schedules (compute_root, compute_at
every loop level, store_root/store_at, split with every tail strategy, tile both forms, fuse,
reorder, rename, serial, unroll, vectorize, parallel with and without a task size, bound,
bound_extent, align_bounds, align_storage, reorder_storage, and combinations), realizes them
over odd sizes and non-zero mins, and compares every element with the same pipeline
unscheduled and with an independent NumPy evaluation. Directed tests then exercise each
directive alone on a fixed pipeline, so a failure names the directive.
What it assumes: the modern binding API (realize into an hl.Buffer whose mins were set with
set_min/translate, or a crop of a larger Buffer; Buffer memory seen through np.asarray with
axes reversed). The random schedules avoid what Halide rightly rejects: RoundUp and
PredicateLoads splits of the output (they write past the output buffer), ShiftInwards/Auto
splits of the output wider than the loop they split, Funcs stored outside a parallel or
vectorized loop but computed inside it, and compute_at levels that do not enclose every use.
What it guarantees: float pipelines only ever hold multiples of 1/32 below 2**19, so every
evaluation order gives the exact same float32 result and comparisons are bit-exact.
"""

import random

import numpy as np
import pytest

import halide as hl

# ---- pipeline specifications -----------------------------------------------------------------

HL_TYPES = {"int32": hl.Int(32), "uint16": hl.UInt(16), "float32": hl.Float(32)}
NP_TYPES = {"int32": np.int32, "uint16": np.uint16, "float32": np.float32}


def random_pipeline(rng, n_stages=None):
    """A random DAG of stencil stages. Stage k reads the clamped input (source -1) or any
    earlier stage. Returns a dict (all plain data, so it can be built any number of times)."""
    type_name = rng.choice(list(HL_TYPES))
    in_w, in_h = rng.choice([(9, 7), (20, 11), (3, 25), (1, 1), (32, 32)])
    if type_name == "int32":
        data = np.array([[rng.randint(-50, 50) for _ in range(in_w)] for _ in range(in_h)], np.int32)
    elif type_name == "uint16":
        data = np.array([[rng.randint(0, 65535) for _ in range(in_w)] for _ in range(in_h)], np.uint16)
    else:
        data = np.array([[rng.randint(-100, 100) * 0.5 for _ in range(in_w)] for _ in range(in_h)], np.float32)
    n_stages = n_stages or rng.randint(2, 4)
    stages = []
    for k in range(n_stages):
        # the previous stage is always read, so the last stage depends on every stage
        sources = [k - 1] + [rng.randint(-1, k - 1) for _ in range(rng.randint(0, 2))]
        terms = []
        for i, src in enumerate(sources):
            coeff = rng.choice([1, 1, 2, 3])
            sign = "+" if i == 0 or rng.random() < 0.6 else "-"
            terms.append((src, rng.randint(-2, 2), rng.randint(-2, 2), coeff, sign))
        op = rng.choice(["sum", "sum", "max", "half"])
        extra = (rng.randint(-1, k - 1), rng.randint(-2, 2), rng.randint(-2, 2))
        stages.append({"terms": terms, "op": op, "extra": extra})
    return {"type": type_name, "data": data, "stages": stages}


def consumers_of(spec):
    """Func index -> set of Func indices that read it. Index 0 is the clamped input, stage k
    is Func k + 1, and the last Func is the output."""
    users = {i: set() for i in range(len(spec["stages"]) + 1)}
    for k, stage in enumerate(spec["stages"]):
        srcs = [t[0] for t in stage["terms"]]
        if stage["op"] == "max":
            srcs.append(stage["extra"][0])
        for src in srcs:
            users[src + 1].add(k + 1)
    return users


class FuncList(list):
    """A list of Funcs that also keeps the input array and its hl.Buffer alive."""


def build_pipeline(spec, tag):
    """Fresh hl.Funcs for `spec`: [clamped input, stage 0, ..., output]."""
    x, y = hl.Var("x"), hl.Var("y")
    data = spec["data"]
    in_h, in_w = data.shape
    inp = hl.Buffer(data)
    clamped = hl.Func(f"clamped_{tag}")
    clamped[x, y] = inp[hl.clamp(x, 0, in_w - 1), hl.clamp(y, 0, in_h - 1)]
    funcs = FuncList([clamped])
    funcs.keepalive = (data, inp)
    is_float = spec["type"] == "float32"
    for k, stage in enumerate(spec["stages"]):
        f = hl.Func(f"s{k}_{tag}")
        acc = None
        for src, dx, dy, coeff, sign in stage["terms"]:
            term = funcs[src + 1][x + dx, y + dy]
            if coeff != 1:
                term = term * (float(coeff) if is_float else coeff)
            if acc is None:
                acc = term
            elif sign == "+":
                acc = acc + term
            else:
                acc = acc - term
        if stage["op"] == "max":
            src, dx, dy = stage["extra"]
            acc = hl.max(acc, funcs[src + 1][x + dx, y + dy])
        elif stage["op"] == "half":
            acc = acc * 0.5 if is_float else acc // 2
        f[x, y] = acc
        funcs.append(f)
    return funcs


def numpy_reference(spec, xs, ys):
    """The output of `spec` at the coordinate grids xs, ys, computed with NumPy only (int64 or
    float64 arithmetic, wrapped to uint16 after every operation where Halide wraps)."""
    data = spec["data"]
    in_h, in_w = data.shape
    is_float = spec["type"] == "float32"
    wide = data.astype(np.float64 if is_float else np.int64)

    def fix(v):
        return v & 0xFFFF if spec["type"] == "uint16" else v

    def value(src, X, Y):
        if src == -1:
            return wide[np.clip(Y, 0, in_h - 1), np.clip(X, 0, in_w - 1)]
        stage = spec["stages"][src]
        acc = None
        for s, dx, dy, coeff, sign in stage["terms"]:
            term = fix(value(s, X + dx, Y + dy) * coeff)
            if acc is None:
                acc = term
            elif sign == "+":
                acc = fix(acc + term)
            else:
                acc = fix(acc - term)
        if stage["op"] == "max":
            s, dx, dy = stage["extra"]
            acc = np.maximum(acc, value(s, X + dx, Y + dy))
        elif stage["op"] == "half":
            acc = acc * 0.5 if is_float else np.floor_divide(acc, 2)
        return acc

    out = value(len(spec["stages"]) - 1, xs, ys)
    return out.astype(NP_TYPES[spec["type"]])


# ---- realizing over shifted domains ----------------------------------------------------------

SENTINEL = {"int32": -123456, "uint16": 54321, "float32": -1234.5}


def realize_shifted(func, spec, size, mins, mode):
    """Realize `func` over [mins, mins + size) and return (values as [y, x] array, bool telling
    whether the memory around a cropped output was left untouched)."""
    w, h = size
    t = HL_TYPES[spec["type"]]
    if mode == "sizes":
        assert mins == (0, 0)
        return np.array(func.realize([w, h]), copy=True), True
    if mode == "set_min":
        buf = hl.Buffer(t, [w, h])
        buf.set_min(list(mins))
    elif mode == "translate":
        buf = hl.Buffer(t, [w, h])
        buf.translate(list(mins))
    else:  # crop of a larger buffer filled with a sentinel
        pad = 3
        big = hl.Buffer(t, [w + 2 * pad, h + 2 * pad])
        big.set_min([mins[0] - pad, mins[1] - pad])
        big.fill(SENTINEL[spec["type"]])
        buf = big.cropped([(mins[0], w), (mins[1], h)])
    assert buf.dim(0).min() == mins[0] and buf.dim(1).min() == mins[1]
    func.realize(buf)
    values = np.array(buf, copy=True)
    untouched = True
    if mode == "crop":
        around = np.array(big, copy=True)
        around[pad:pad + h, pad:pad + w] = SENTINEL[spec["type"]]
        untouched = bool(np.all(around == NP_TYPES[spec["type"]](SENTINEL[spec["type"]])))
    return values, untouched


def expected_output(spec, size, mins):
    w, h = size
    ys, xs = np.meshgrid(np.arange(h) + mins[1], np.arange(w) + mins[0], indexing="ij")
    return numpy_reference(spec, xs, ys)


def check_schedule(spec, schedule, domains, tag, plain=None):
    """Build `spec`, schedule it with `schedule` (a function of the Func list), realize it over
    each (size, mins, mode) in `domains` and compare with the unscheduled pipeline (`plain`, or
    a fresh build) and with NumPy. Each pipeline is compiled once and realized many times."""
    plain = plain or build_pipeline(spec, f"plain{tag}")
    scheduled = build_pipeline(spec, f"sched{tag}")
    schedule(scheduled)
    for size, mins, mode in domains:
        where = f"size={size} mins={mins} mode={mode}"
        expected = expected_output(spec, size, mins)
        got_plain, _ = realize_shifted(plain[-1], spec, size, mins, mode)
        got, untouched = realize_shifted(scheduled[-1], spec, size, mins, mode)
        np.testing.assert_array_equal(got_plain, expected, err_msg=f"unscheduled pipeline != NumPy, {where}")
        np.testing.assert_array_equal(got, expected, err_msg=f"scheduled pipeline != NumPy, {where}")
        assert got.dtype == expected.dtype
        assert untouched, f"the scheduled pipeline wrote outside its (cropped) output buffer, {where}"


# ---- random legal schedules ------------------------------------------------------------------

ROOT = ("root", None)
TAILS_PRODUCER = ["RoundUp", "GuardWithIf", "ShiftInwards", "Auto", "Predicate", "PredicateLoads",
                  "PredicateStores", None]
TAILS_OUTPUT_ANY_EXTENT = ["GuardWithIf", "Predicate", "PredicateStores"]
TAILS_OUTPUT_IF_FITS = ["ShiftInwards", "Auto", None]  # None: the default tail (Auto)


class LoopNest:
    """Our model of one Func's loop nest while a random schedule is drawn: loop names
    innermost first, known extents (outputs only), and loop kinds."""

    def __init__(self, fid, extents):
        self.fid = fid
        self.dims = ["x", "y"]
        self.extent = dict(extents) if extents else {"x": None, "y": None}
        self.kind = {"x": "serial", "y": "serial"}
        self.nameable = {"x", "y"}
        # Halide refuses to split (or fuse) loops made by a Predicate* split
        self.nosplit = set()
        # loops stemming from the inner loop of a split (PredicateLoads may not split them)
        self.inner_derived = set()
        # loops stemming from a ShiftInwards/Auto split: the reference Halide 21 computes wrong
        # values when such a loop is split again with PredicateLoads, so we never do that
        self.shift_derived = set()

    def splittable(self):
        return [d for d in self.dims if d in self.nameable and d not in self.nosplit]


class ScheduleDrawer:
    def __init__(self, rng, spec, sizes, mins):
        self.rng = rng
        self.spec = spec
        self.n = len(spec["stages"]) + 1
        self.out = self.n - 1
        self.users = consumers_of(spec)
        self.ops = []  # (func index, method, args); args hold ("var", name), ("func", i), ...
        self.nest = {}
        self.placement = {}  # func index -> "inline" | ROOT | (func index, var name)
        self.counter = 0
        # the output is realized over several domains: plan for the smallest extents and
        # (for bound) the widest span
        self.size = (min(w for w, _ in sizes), min(h for _, h in sizes))
        self.lo = min(m[0] for m in mins)
        self.span = max(m[0] + w for m, (w, _) in zip(mins, sizes)) - self.lo
        self.span_y = max(h for _, h in sizes)
        self.factor_product = {}  # func index -> product of its split factors
        self.align = {}  # func index -> largest align_bounds modulus
        self.description = []

    def fresh(self, base):
        self.counter += 1
        return f"{base}{self.counter}"

    def emit(self, fid, method, *args):
        self.ops.append((fid, method, args))
        shown = ", ".join(self._show(a) for a in args)
        self.description.append(f"f{fid}.{method}({shown})")

    @staticmethod
    def _show(a):
        if isinstance(a, tuple):
            return f"{a[0]}:{a[1]}"
        return repr(a)

    # -- tails --
    def tail(self, nest, fid, splits):
        """A tail strategy legal for the splits [(var, factor)] of Func `fid`."""
        inner = any(v in nest.inner_derived for v, _ in splits)
        shifted = any(v in nest.shift_derived for v, _ in splits)
        if fid != self.out:
            return self.rng.choice([t for t in TAILS_PRODUCER if not ((inner or shifted) and t == "PredicateLoads")])
        # The output's footprint must stay inside the output buffer. Halide's bounds
        # inference does not see through predicates on loops made from an inner loop.
        fits = all(nest.extent[v] is not None and nest.extent[v] >= f for v, f in splits)
        choices = ["GuardWithIf"] if inner else list(TAILS_OUTPUT_ANY_EXTENT)
        if fits:
            choices += TAILS_OUTPUT_IF_FITS
        return self.rng.choice(choices)

    @staticmethod
    def tail_arg(tail):
        return () if tail is None else (("tail", tail),)

    # -- loop-nest edits in our model --
    def _split(self, nest, old, outer, inner, factor, vector_kind=None, tail=None):
        if tail is not None and tail.startswith("Predicate"):
            nest.nosplit |= {outer, inner}
        nest.inner_derived.add(inner)
        if old in nest.inner_derived:
            nest.inner_derived.add(outer)
        if tail in (None, "Auto", "ShiftInwards") or old in nest.shift_derived:
            nest.shift_derived |= {outer, inner}
        self.factor_product[nest.fid] = self.factor_product.get(nest.fid, 1) * factor
        i = nest.dims.index(old)
        e = nest.extent.pop(old)
        nest.kind.pop(old)
        nest.dims[i:i + 1] = [inner, outer]
        nest.extent[inner] = factor
        nest.extent[outer] = None if e is None else -(-e // factor)
        nest.kind[inner] = vector_kind or "serial"
        nest.kind[outer] = "serial"

    def _reorder(self, nest, order):
        positions = sorted(nest.dims.index(v) for v in order)
        for p, v in zip(positions, order):
            nest.dims[p] = v

    def transform_loops(self, fid):
        nest = self.nest[fid]
        rng = self.rng
        # (loops with internal names only appear at the end, from vectorize/unroll/parallel)
        for _ in range(rng.randint(0, 3)):
            kind = rng.choice(["split", "split", "tile", "tile_short", "fuse", "reorder", "rename", "serial"])
            if kind == "split":
                if not nest.splittable():
                    continue
                old = rng.choice(nest.splittable())
                factor = rng.choice([2, 3, 4, 5, 8])
                tail = self.tail(nest, fid, [(old, factor)])
                outer = old if rng.random() < 0.3 else self.fresh(f"{old[0]}o")
                inner = self.fresh(f"{old[0]}i")
                self.emit(fid, "split", ("var", old), ("var", outer), ("var", inner), factor, *self.tail_arg(tail))
                self._split(nest, old, outer, inner, factor, tail=tail)
                nest.nameable |= {outer, inner}
            elif kind in ("tile", "tile_short"):
                if len(nest.splittable()) < 2:
                    continue
                a, b = rng.sample(nest.splittable(), 2)
                fa, fb = rng.choice([2, 3, 4, 8]), rng.choice([2, 3, 4, 5])
                tail = self.tail(nest, fid, [(a, fa), (b, fb)])
                ai, bi = self.fresh(f"{a[0]}i"), self.fresh(f"{b[0]}i")
                if kind == "tile":
                    ao, bo = self.fresh(f"{a[0]}o"), self.fresh(f"{b[0]}o")
                    self.emit(fid, "tile", ("var", a), ("var", b), ("var", ao), ("var", bo), ("var", ai),
                              ("var", bi), fa, fb, *self.tail_arg(tail))
                else:
                    ao, bo = a, b
                    self.emit(fid, "tile", ("var", a), ("var", b), ("var", ai), ("var", bi), fa, fb,
                              *self.tail_arg(tail))
                self._split(nest, a, ao, ai, fa, tail=tail)
                self._split(nest, b, bo, bi, fb, tail=tail)
                self._reorder(nest, [ai, bi, ao, bo])
                nest.nameable |= {ao, bo, ai, bi}
            elif kind == "fuse":
                pairs = [i for i in range(len(nest.dims) - 1)
                         if nest.dims[i] in nest.splittable() and nest.dims[i + 1] in nest.splittable()]
                if not pairs:
                    continue
                i = rng.choice(pairs)
                inner, outer = nest.dims[i], nest.dims[i + 1]
                fused = self.fresh("fz")
                self.emit(fid, "fuse", ("var", inner), ("var", outer), ("var", fused))
                ei, eo = nest.extent.pop(inner), nest.extent.pop(outer)
                nest.kind.pop(inner), nest.kind.pop(outer)
                nest.dims[i:i + 2] = [fused]
                nest.extent[fused] = None if ei is None or eo is None else ei * eo
                nest.kind[fused] = "serial"
                nest.nameable.add(fused)
                if inner in nest.inner_derived or outer in nest.inner_derived:
                    nest.inner_derived.add(fused)
                if inner in nest.shift_derived or outer in nest.shift_derived:
                    nest.shift_derived.add(fused)
            elif kind == "reorder":
                order = [d for d in nest.dims if d in nest.nameable]
                rng.shuffle(order)
                if rng.random() < 0.5 and len(order) > 2:
                    order = order[: rng.randint(2, len(order))]
                self.emit(fid, "reorder", *[("var", v) for v in order])
                self._reorder(nest, order)
            elif kind == "rename":
                old = rng.choice([d for d in nest.dims if d in nest.nameable])
                new = self.fresh("rn")
                self.emit(fid, "rename", ("var", old), ("var", new))
                i = nest.dims.index(old)
                nest.dims[i] = new
                nest.extent[new] = nest.extent.pop(old)
                nest.kind[new] = nest.kind.pop(old)
                nest.nameable.add(new)
                if old in nest.nosplit:
                    nest.nosplit.add(new)
                if old in nest.inner_derived:
                    nest.inner_derived.add(new)
                if old in nest.shift_derived:
                    nest.shift_derived.add(new)
            else:
                v = rng.choice([d for d in nest.dims if d in nest.nameable])
                self.emit(fid, "serial", ("var", v))
        # innermost: vectorize and/or unroll; outermost: parallel
        r = rng.random()
        if r < 0.45:
            self.vectorize_or_unroll(fid, "vectorize")
            if rng.random() < 0.3 and len(nest.dims) > 1:
                self.vectorize_or_unroll(fid, "unroll", index=1)
        elif r < 0.65:
            self.vectorize_or_unroll(fid, "unroll")
        if rng.random() < 0.4:
            v = nest.dims[-1]
            if nest.kind[v] == "serial":
                if rng.random() < 0.5 or v in nest.nosplit:
                    self.emit(fid, "parallel", ("var", v))
                    nest.kind[v] = "parallel"
                else:
                    task = rng.choice([2, 3, 4])
                    tail = self.tail(nest, fid, [(v, task)])
                    self.emit(fid, "parallel", ("var", v), task, *self.tail_arg(tail))
                    anon = self.fresh("__anon")
                    self._split(nest, v, v, anon, task, tail=tail)
                    nest.kind[v] = "parallel"

    def vectorize_or_unroll(self, fid, what, index=0):
        nest = self.nest[fid]
        v = nest.dims[index]
        if v not in nest.splittable() or nest.kind[v] != "serial":
            return
        k = self.rng.choice([2, 4, 8, 16] if what == "vectorize" else [2, 3, 4])
        tail = self.tail(nest, fid, [(v, k)])
        kind = "vectorized" if what == "vectorize" else "unrolled"
        if self.rng.random() < 0.5:
            # the one-call form: the inner loop gets an internal name we cannot refer to
            self.emit(fid, what, ("var", v), k, *self.tail_arg(tail))
            anon = self.fresh("__anon")
            self._split(nest, v, v, anon, k, vector_kind=kind, tail=tail)
        else:
            inner = self.fresh(f"{v[0]}{what[0]}")
            self.emit(fid, "split", ("var", v), ("var", v), ("var", inner), k, *self.tail_arg(tail))
            self.emit(fid, what, ("var", inner))
            self._split(nest, v, v, inner, k, vector_kind=kind, tail=tail)
            nest.nameable.add(inner)

    # -- placement --
    def chain(self, fid):
        """Loop levels enclosing the innermost body of non-inlined Func `fid`, outermost first."""
        where = self.placement[fid]
        if where == ROOT:
            prefix = [ROOT]
        else:
            g, v = where
            full = self.chain(g)
            prefix = full[: full.index((g, v)) + 1]
        return prefix + [(fid, v) for v in reversed(self.nest[fid].dims)]

    def use_chains(self, fid):
        chains = []
        for c in self.users[fid]:
            if self.placement[c] == "inline":
                chains.extend(self.use_chains(c))
            else:
                chains.append(self.chain(c))
        return chains

    def kind_of(self, level):
        if level == ROOT:
            return "serial"
        g, v = level
        return self.nest[g].kind[v]

    def draw(self):
        rng = self.rng
        self.placement[self.out] = ROOT
        self.nest[self.out] = LoopNest(self.out, {"x": self.size[0], "y": self.size[1]})
        self.transform_loops(self.out)
        for fid in range(self.out - 1, -1, -1):
            chains = self.use_chains(fid)
            common = []
            for levels in zip(*chains):
                if all(lv == levels[0] for lv in levels):
                    common.append(levels[0])
                else:
                    break
            choices = [lv for lv in common if lv == ROOT or lv[1] in self.nest[lv[0]].nameable]
            r = rng.random()
            if r < 0.25:
                self.placement[fid] = "inline"
                if rng.random() < 0.2:
                    self.emit(fid, "compute_inline")
                continue
            where = ROOT if r < 0.45 else rng.choice(choices)
            self.placement[fid] = where
            self.nest[fid] = LoopNest(fid, None)
            if where == ROOT:
                self.emit(fid, "compute_root")
            elif rng.random() < 0.2:
                self.emit(fid, "compute_at_looplevel", ("func", where[0]), ("var", where[1]))
            else:
                self.emit(fid, "compute_at", ("func", where[0]), ("var", where[1]))
            # storage level: at or outside the compute level, with no parallel or vectorized
            # loop in between (Halide rejects that as a race)
            if where != ROOT and rng.random() < 0.5:
                full = chains[0]
                upto = full[: full.index(where) + 1]
                store_choices = []
                for i, lv in enumerate(upto):
                    if lv != ROOT and lv[1] not in self.nest[lv[0]].nameable:
                        continue
                    if all(self.kind_of(inner) not in ("parallel", "vectorized") for inner in upto[i + 1:]):
                        store_choices.append(lv)
                if store_choices:
                    s = rng.choice(store_choices)
                    if s == ROOT:
                        self.emit(fid, "store_root")
                    else:
                        self.emit(fid, "store_at", ("func", s[0]), ("var", s[1]))
            self.transform_loops(fid)
            self.storage_directives(fid, where)
        return self.ops

    def storage_directives(self, fid, where):
        rng = self.rng
        # A bound must cover the region the consumers need: the stencil reach plus whatever the
        # consumers' splits round up or shift by, at most the product of their split factors.
        slop = 8 + 4 * self.n
        for g in range(fid, self.n):
            slop *= self.factor_product.get(g, 1) + self.align.get(g, 0)
        bounded = where == ROOT and slop <= 300 and rng.random() < 0.4
        if bounded:
            if rng.random() < 0.5:
                self.emit(fid, "bound", ("var", "x"), self.lo - slop, self.span + 2 * slop)
            else:
                self.emit(fid, "bound_extent", ("var", "y"), self.span_y + 2 * slop)
        if not bounded and rng.random() < 0.25:
            m = rng.choice([2, 4, 8])
            self.align[fid] = m
            if rng.random() < 0.5:
                self.emit(fid, "align_bounds", ("var", rng.choice(["x", "y"])), m)
            else:
                self.emit(fid, "align_bounds", ("var", rng.choice(["x", "y"])), m, rng.randrange(m))
        if rng.random() < 0.2:
            self.emit(fid, "align_storage", ("var", rng.choice(["x", "y"])), rng.choice([4, 8, 16]))
        if rng.random() < 0.2:
            self.emit(fid, "reorder_storage", ("var", "y"), ("var", "x"))


def apply_ops(funcs, ops):
    """Apply drawn schedule ops to hl.Funcs. Var objects are made by name, as a user would."""

    def resolve(a):
        if isinstance(a, tuple):
            if a[0] == "var":
                return hl.Var(a[1])
            if a[0] == "func":
                return funcs[a[1]]
            if a[0] == "tail":
                return getattr(hl.TailStrategy, a[1])
        return a

    for fid, method, args in ops:
        f = funcs[fid]
        vals = [resolve(a) for a in args]
        if method == "compute_at_looplevel":
            f.compute_at(hl.LoopLevel(vals[0], vals[1]))
        else:
            getattr(f, method)(*vals)


SIZES = [(17, 13), (1, 1), (5, 31), (8, 8), (16, 3), (2, 9), (33, 4)]
MINS = [(0, 0), (3, -2), (-7, 5), (100, 1), (-1, -40)]
MODES = ["sizes", "set_min", "translate", "crop"]


@pytest.mark.parametrize("seed", range(64))
def test_random_schedule_matches_unscheduled_and_numpy(seed):
    rng = random.Random(1000 + seed)
    spec = random_pipeline(rng)
    domains = []
    for _ in range(2):
        mode = rng.choice(MODES)
        domains.append((rng.choice(SIZES), (0, 0) if mode == "sizes" else rng.choice(MINS), mode))
    drawer = ScheduleDrawer(rng, spec, [d[0] for d in domains], [d[1] for d in domains])
    ops = drawer.draw()
    info = f"type={spec['type']} schedule: " + "; ".join(drawer.description)
    try:
        check_schedule(spec, lambda fs: apply_ops(fs, ops), domains, f"r{seed}")
    except Exception as e:
        raise AssertionError(f"{info}\n{type(e).__name__}: {e}") from e


# ---- directed tests: each directive alone on a fixed three-stage pipeline --------------------


def fixed_spec(type_name="int32"):
    """clamped -> s0 (3-tap horizontal) -> s1 (3-tap vertical, max) -> s2 (mix, output)."""
    rng = random.Random(7)
    in_w, in_h = 23, 19
    if type_name == "float32":
        data = np.array([[rng.randint(-100, 100) * 0.5 for _ in range(in_w)] for _ in range(in_h)], np.float32)
    elif type_name == "uint16":
        data = np.array([[rng.randint(0, 65535) for _ in range(in_w)] for _ in range(in_h)], np.uint16)
    else:
        data = np.array([[rng.randint(-50, 50) for _ in range(in_w)] for _ in range(in_h)], np.int32)
    stages = [
        {"terms": [(-1, -1, 0, 1, "+"), (-1, 0, 0, 2, "+"), (-1, 1, 0, 1, "+")], "op": "sum", "extra": (-1, 0, 0)},
        {"terms": [(0, 0, -1, 1, "+"), (0, 0, 1, 1, "+")], "op": "max", "extra": (0, 0, 0)},
        {"terms": [(1, 0, 0, 3, "+"), (0, 2, -2, 1, "-"), (-1, -2, 1, 1, "+")], "op": "half", "extra": (-1, 0, 0)},
    ]
    return {"type": type_name, "data": data, "stages": stages}


X, Y = hl.Var("x"), hl.Var("y")
XO, XI, YO, YI = hl.Var("xo"), hl.Var("xi"), hl.Var("yo"), hl.Var("yi")
T = hl.TailStrategy


# name -> schedule of [clamped, s0, s1, out]
DIRECTED = {
    "compute_root_all": lambda f: [g.compute_root() for g in f[:-1]],
    "compute_root_middle": lambda f: f[2].compute_root(),
    "compute_at_y": lambda f: f[2].compute_at(f[3], Y),
    "compute_at_x": lambda f: (f[2].compute_at(f[3], X), f[1].compute_at(f[3], X)),
    "compute_at_outermost": lambda f: f[2].compute_at(f[3], hl.Var.outermost()),
    "compute_at_nested": lambda f: (f[2].compute_at(f[3], X), f[1].compute_at(f[3], Y),
                                    f[0].compute_at(f[3], Y)),
    "compute_at_split_outer": lambda f: (f[3].split(Y, YO, YI, 4, T.GuardWithIf), f[2].compute_at(f[3], YO)),
    "compute_at_split_inner": lambda f: (f[3].split(X, XO, XI, 4, T.GuardWithIf), f[2].compute_at(f[3], XI)),
    "compute_at_looplevel": lambda f: f[2].compute_at(hl.LoopLevel(f[3], Y)),
    "store_root_compute_at_y": lambda f: f[2].store_root().compute_at(f[3], Y),
    "store_root_compute_at_x": lambda f: (f[2].store_root().compute_at(f[3], X), f[1].compute_root()),
    "store_at_y_compute_at_x": lambda f: f[2].store_at(f[3], Y).compute_at(f[3], X),
    "store_at_looplevel": lambda f: f[2].store_at(hl.LoopLevel(f[3], Y)).compute_at(f[3], X),
    "hoist_storage_root": lambda f: f[2].hoist_storage_root().compute_at(f[3], Y),
    "hoist_storage_y": lambda f: f[2].hoist_storage(f[3], Y).compute_at(f[3], X),
    "split_guard": lambda f: f[3].split(X, XO, XI, 4, T.GuardWithIf),
    "split_shift_inwards": lambda f: f[3].split(X, XO, XI, 3, T.ShiftInwards),
    "split_auto": lambda f: f[3].split(Y, YO, YI, 3, T.Auto),
    "split_default_tail": lambda f: f[3].split(Y, YO, YI, 2),
    "split_predicate": lambda f: f[3].split(X, XO, XI, 4, T.Predicate),
    "split_predicate_stores": lambda f: f[3].split(X, XO, XI, 4, T.PredicateStores),
    "split_roundup_producer": lambda f: (f[2].compute_root().split(X, XO, XI, 4, T.RoundUp)),
    "split_predicate_loads_producer": lambda f: (f[2].compute_root().split(X, XO, XI, 4, T.PredicateLoads)),
    "split_shift_inwards_producer_wide": lambda f: (f[2].compute_at(f[3], Y).split(X, XO, XI, 64, T.ShiftInwards)),
    "split_roundup_producer_at": lambda f: (f[2].compute_at(f[3], Y).split(X, XO, XI, 5, T.RoundUp)),
    "split_reuse_name": lambda f: f[3].split(X, X, XI, 4, T.GuardWithIf),
    "split_twice": lambda f: f[3].split(X, XO, XI, 4, T.GuardWithIf).split(XI, hl.Var("xii"), hl.Var("xio"), 2),
    "tile_long": lambda f: f[3].tile(X, Y, XO, YO, XI, YI, 4, 4, T.GuardWithIf),
    "tile_long_shift": lambda f: f[3].tile(X, Y, XO, YO, XI, YI, 3, 2),
    "tile_short": lambda f: f[3].tile(X, Y, XI, YI, 2, 4, T.GuardWithIf),
    "tile_producer": lambda f: f[1].compute_root().tile(X, Y, XO, YO, XI, YI, 8, 8),
    "fuse": lambda f: f[3].fuse(X, Y, hl.Var("fused")),
    "fuse_producer": lambda f: f[2].compute_root().fuse(X, Y, hl.Var("fused")),
    "reorder": lambda f: f[3].reorder(Y, X),
    "reorder_producer": lambda f: f[2].compute_root().reorder(Y, X),
    "rename": lambda f: f[3].rename(X, hl.Var("xr")),
    "serial": lambda f: f[3].serial(Y),
    "unroll_2": lambda f: f[3].unroll(X, 2, T.GuardWithIf),
    "unroll_3_producer": lambda f: f[2].compute_root().unroll(X, 3),
    "unroll_split_var": lambda f: f[3].split(X, XO, XI, 4, T.GuardWithIf).unroll(XI),
    "vectorize_4": lambda f: f[3].vectorize(X, 4, T.GuardWithIf),
    "vectorize_8_producer": lambda f: f[2].compute_root().vectorize(X, 8),
    "vectorize_16_producer_at": lambda f: f[1].compute_at(f[3], Y).vectorize(X, 16),
    "vectorize_2_predicate": lambda f: f[3].vectorize(X, 2, T.Predicate),
    "vectorize_split_var": lambda f: f[3].split(X, XO, XI, 8, T.GuardWithIf).vectorize(XI),
    "vectorize_y": lambda f: f[2].compute_root().vectorize(Y, 4),
    "parallel_y": lambda f: f[3].parallel(Y),
    "parallel_y_task": lambda f: f[3].parallel(Y, 3, T.GuardWithIf),
    "parallel_producer": lambda f: f[1].compute_root().parallel(Y),
    "parallel_compute_at_inside": lambda f: (f[3].parallel(Y), f[2].compute_at(f[3], Y)),
    "bound_producer": lambda f: f[2].compute_root().bound(X, -40, 120).bound(Y, -40, 120),
    "bound_extent_producer": lambda f: f[2].compute_root().bound_extent(X, 100),
    "align_bounds": lambda f: f[2].compute_root().align_bounds(X, 8),
    "align_bounds_remainder": lambda f: f[2].compute_at(f[3], Y).align_bounds(Y, 4, 1),
    "align_storage": lambda f: f[2].compute_root().align_storage(X, 16),
    "reorder_storage": lambda f: f[2].compute_root().reorder_storage(Y, X),
    "classic_tiled": lambda f: (
        f[3].tile(X, Y, XO, YO, XI, YI, 8, 4, T.GuardWithIf).vectorize(XI, 4).parallel(YO),
        f[2].compute_at(f[3], XO).vectorize(X, 4),
        f[1].store_at(f[3], YO).compute_at(f[3], XO)),
    "sliding_store_root": lambda f: (f[2].store_root().compute_at(f[3], Y),
                                     f[1].store_root().compute_at(f[3], Y)),
    "everything": lambda f: (
        f[3].split(Y, YO, YI, 4, T.GuardWithIf).parallel(YO).vectorize(X, 8, T.GuardWithIf),
        f[2].compute_at(f[3], YI).vectorize(X, 4).unroll(Y, 2),
        f[1].store_at(f[3], YO).compute_at(f[3], YI).align_storage(X, 8),
        f[0].compute_root().parallel(Y, 4).vectorize(X, 16)),
}


DIRECTED_DOMAINS = [((17, 13), (0, 0), "sizes"), ((5, 31), (3, -2), "set_min"),
                    ((4, 3), (-7, 5), "translate"), ((13, 7), (2, 3), "crop")]
_plain_pipelines = {}


def plain_pipeline(type_name):
    """The unscheduled fixed pipeline of each type, compiled once for the whole module."""
    if type_name not in _plain_pipelines:
        _plain_pipelines[type_name] = build_pipeline(fixed_spec(type_name), f"plain_{type_name}")
    return _plain_pipelines[type_name]


@pytest.mark.parametrize("index, name", list(enumerate(DIRECTED)), ids=list(DIRECTED))
def test_directed_schedule(index, name):
    type_name = ["int32", "uint16", "float32"][index % 3]
    spec = fixed_spec(type_name)
    try:
        check_schedule(spec, DIRECTED[name], DIRECTED_DOMAINS, f"d_{name}", plain=plain_pipeline(type_name))
    except Exception as e:
        raise AssertionError(f"{name} ({type_name})\n{type(e).__name__}: {e}") from e


# ---- schedules on shifted outputs whose tails must not spill ---------------------------------


@pytest.mark.parametrize("factor", [2, 3, 4, 8, 16])
@pytest.mark.parametrize("tail", ["GuardWithIf", "Predicate", "PredicateStores"])
def test_guarded_tails_never_write_outside_a_crop(factor, tail):
    spec = fixed_spec("uint16")
    sched = lambda f: f[3].split(X, XO, XI, factor, getattr(T, tail)).vectorize(XI)  # noqa: E731
    domains = [((w, 3), (-5, 9), "crop") for w in sorted({1, max(1, factor - 1), factor + 1, 2 * factor + 3})]
    check_schedule(spec, sched, domains, f"t{factor}{tail}", plain=plain_pipeline("uint16"))


@pytest.mark.parametrize("tail", ["GuardWithIf", "Predicate"])
def test_guarded_vector_tail_reading_one_element(tail):
    # Loads whose index is the same for every lane (k[p], k[p + 1]) under a tail's predicate:
    # one scalar load when any lane is active, splat; the inactive lanes are never used.
    x, xo, xi = hl.Var("x"), hl.Var("xo"), hl.Var("xi")
    k = np.array([3, -2, 5], np.int32)
    src = (np.arange(40, dtype=np.int32) * 7) % 11
    kbuf, sbuf = hl.Buffer(k), hl.Buffer(src)
    p = hl.Param(hl.Int(32), "one_element_index", 1)
    f = hl.Func(f"one_element_{tail}")
    f[x] = sbuf[x] * kbuf[p] + kbuf[p + 1]
    f.split(x, xo, xi, 8, getattr(T, tail)).vectorize(xi)
    for n in (1, 5, 8, 13, 21):
        np.testing.assert_array_equal(np.asarray(f.realize([n])), src[:n] * k[1] + k[2])


@pytest.mark.parametrize("factor", [2, 3, 4, 8])
def test_shift_inwards_recomputes_but_stays_inside(factor):
    spec = fixed_spec("int32")
    sched = lambda f: f[3].split(X, XO, XI, factor, T.ShiftInwards).unroll(XI)  # noqa: E731
    domains = [((w, 2), (11, -3), "crop") for w in (factor, factor + 1, 3 * factor - 1)]
    check_schedule(spec, sched, domains, f"si{factor}", plain=plain_pipeline("int32"))


def test_round_up_output_realized_by_size_is_cropped():
    # realize(sizes) runs a bounds query first, so a RoundUp split of the output is fine:
    # the output is allocated rounded up and then cropped back to the requested size.
    x, xo, xi = hl.Var("x"), hl.Var("xo"), hl.Var("xi")
    f = hl.Func("round_up_output")
    f[x] = x * 3
    f.split(x, xo, xi, 8, hl.TailStrategy.RoundUp)
    out = f.realize([5])
    assert out.dim(0).extent() == 5
    np.testing.assert_array_equal(np.asarray(out), np.arange(5, dtype=np.int32) * 3)


def test_shift_inwards_output_smaller_than_factor_realized_by_size():
    x, xo, xi = hl.Var("x"), hl.Var("xo"), hl.Var("xi")
    f = hl.Func("shift_in_small_output")
    f[x] = x + 1
    f.split(x, xo, xi, 8, hl.TailStrategy.ShiftInwards)
    np.testing.assert_array_equal(np.asarray(f.realize([5])), np.arange(1, 6, dtype=np.int32))


def test_producer_used_by_two_consumers_computed_at_the_output():
    # p feeds both a and the output; a is compute_root, so p's only legal levels are root or
    # inside a's own loops... unless a is inlined. Here a is inlined and p is computed at out.y.
    x, y = hl.Var("x"), hl.Var("y")
    p, a, out = hl.Func("p_two_users"), hl.Func("a_two_users"), hl.Func("out_two_users")
    p[x, y] = x * 7 + y
    a[x, y] = p[x - 1, y] + p[x + 1, y + 1]
    out[x, y] = a[x, y] * 2 + p[x, y - 1]
    p.compute_at(out, y)
    xs, ys = np.meshgrid(np.arange(6), np.arange(4))
    pv = lambda X, Y: X * 7 + Y  # noqa: E731
    expected = ((pv(xs - 1, ys) + pv(xs + 1, ys + 1)) * 2 + pv(xs, ys - 1)).astype(np.int32)
    np.testing.assert_array_equal(np.asarray(out.realize([6, 4])), expected)


def test_same_schedule_methods_chain_and_return_the_func():
    x, y = hl.Var("x"), hl.Var("y")
    xo, xi = hl.Var("xo"), hl.Var("xi")
    f = hl.Func("chained")
    f[x, y] = x + y
    g = hl.Func("chained_out")
    g[x, y] = f[x, y] + 1
    r = f.compute_root()
    assert isinstance(r, hl.Func) and r.name() == f.name()
    r = g.split(x, xo, xi, 4, hl.TailStrategy.GuardWithIf).vectorize(xi).parallel(y)
    assert isinstance(r, hl.Func) and r.name() == g.name()
    xs, ys = np.meshgrid(np.arange(9), np.arange(3))
    np.testing.assert_array_equal(np.asarray(g.realize([9, 3])), (xs + ys + 1).astype(np.int32))


def test_loop_level_constructors():
    x, y = hl.Var("x"), hl.Var("y")
    p, c = hl.Func("ll_p"), hl.Func("ll_c")
    p[x, y] = x - y
    c[x, y] = p[x, y] + p[x + 1, y]
    for level in [hl.LoopLevel.root(), hl.LoopLevel.inlined(), hl.LoopLevel(c, y), hl.LoopLevel(c, x)]:
        p.compute_at(level)
        xs, ys = np.meshgrid(np.arange(4), np.arange(3))
        np.testing.assert_array_equal(np.asarray(c.realize([4, 3])), (2 * xs + 1 - 2 * ys).astype(np.int32))
