"""Shared machinery of the benchmarks in bench/.

What it does: imports the right `halide` for an implementation ("ours" = halide-c from
PYTHONPATH, "reference" = Halide's own Python bindings in their venv), times calls, and gives
each benchmark module the same command line:

    python bench/bench_X.py [--impl ours|reference] [--quick] [--json]

With --json the module prints one JSON object {"impl", "halide", "metrics": [...]} on stdout,
which bench/run.py collects; without it, a small table for a quick look.
What it assumes: NumPy in every interpreter; in "reference" mode the process was started
without our build on sys.path (run.py does that), and it checks so.
What it guarantees: no timing is ever asserted; only a wrong *result* fails a benchmark.
"""

import argparse
import json
import os
import statistics
import sys
import time


def load_halide(impl):
    """`import halide` and check it is the implementation asked for."""
    import halide as hl

    is_ours = bool(getattr(hl, "__halide_c__", False))
    if impl == "ours" and not is_ours:
        sys.exit(f"bench: --impl ours imported {hl.__file__}, which is not halide-c; "
                 "set PYTHONPATH to the build's python/ folder")
    if impl == "reference" and is_ours:
        sys.exit(f"bench: --impl reference imported halide-c from {hl.__file__}; "
                 "run it with the reference venv's python and without our PYTHONPATH")
    return hl


def halide_version(hl):
    """The version string of the imported halide, or "" when it does not say."""
    version = getattr(hl, "__version__", "")
    if not version:
        try:
            from importlib import metadata

            version = metadata.version("halide")
        except Exception:  # noqa: BLE001 - no distribution metadata (e.g. a build tree)
            version = ""
    return str(version)


def elapsed_ns(fn):
    """Wall time of one call of fn(), in nanoseconds."""
    t0 = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - t0


def sample_ns(fn, warmup, samples):
    """fn() run `warmup` times untimed, then `samples` times, each timed alone."""
    for _ in range(warmup):
        fn()
    return [elapsed_ns(fn) for _ in range(samples)]


def metric(key, label, unit, samples, lower_is_better=True):
    """One measured quantity. `samples` are in `unit`; run.py pools them over rounds and
    reports the median."""
    return {
        "key": key,
        "label": label,
        "unit": unit,
        "samples": [float(s) for s in samples],
        "lower_is_better": lower_is_better,
    }


def ns_to_ms(samples):
    return [s / 1e6 for s in samples]


def median(values):
    return statistics.median(values) if values else float("nan")


def format_value(value, unit):
    if value != value:  # NaN
        return "-"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    return f"{value:.3g} {unit}"


def main(name, run, description):
    """Command line of one benchmark module: run(hl, quick) -> list of metric dicts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--impl", choices=("ours", "reference"), default="ours")
    parser.add_argument("--quick", action="store_true", help="fewer samples (smoke run)")
    parser.add_argument("--json", action="store_true", help="print JSON for bench/run.py")
    args = parser.parse_args()
    hl = load_halide(args.impl)
    metrics = run(hl, args.quick)
    if args.json:
        json.dump({"benchmark": name, "impl": args.impl, "halide": os.path.dirname(hl.__file__),
                   "version": halide_version(hl), "metrics": metrics}, sys.stdout)
        sys.stdout.write("\n")
        return
    print(f"{name} ({args.impl}: {os.path.dirname(hl.__file__)})")
    for m in metrics:
        print(f"  {m['label']:<52} {format_value(median(m['samples']), m['unit']):>12}"
              f"   (median of {len(m['samples'])})")
