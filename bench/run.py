"""Entry point of `make bench`: every benchmark, ours against the reference Halide.

What it does: runs each bench/bench_*.py module listed in BENCHMARKS in a fresh process per
implementation and round: ours with this interpreter and PYTHONPATH (the build's python/
folder; run.py defaults it to build/python), the reference with the reference venv's python
(/opt/refhalide/bin/python, or $HL_REFERENCE_PYTHON) and no PYTHONPATH, so that process can
only import the reference. Rounds alternate which implementation goes first. Samples are
pooled over rounds and a table of medians with the ratio ours/reference is printed. When the
reference is not installed it says so and reports ours only.
What it assumes: a noisy shared machine, hence medians, warm-ups and several rounds; the
numbers are for reading, never asserted.
What it guarantees: exit status 1 if one of our runs fails (a crash or a wrong result); a
failing reference run is reported and its column left empty.

    python bench/run.py [--rounds N] [--quick] [--only NAME] [--no-reference]
"""

import argparse
import json
import os
import platform
import subprocess
import sys

import harness

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
BENCHMARKS = ["bench_jit_latency", "bench_brighten", "bench_schedules", "bench_random", "bench_reductions"]
DEFAULT_REFERENCE_PYTHON = "/opt/refhalide/bin/python"
TIMEOUT_S = 1200


def ours_command():
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if not paths:
        paths = [os.path.join(REPO, "build", "python")]
    # Absolute, since the benchmark processes run in bench/.
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in paths)
    return [sys.executable], env


def reference_command():
    """(argv prefix, env) to run the reference, or (None, reason) when it is unusable."""
    python = os.environ.get("HL_REFERENCE_PYTHON", DEFAULT_REFERENCE_PYTHON)
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        return None, f"reference Halide not found ({python} is absent)"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH")}
    probe = subprocess.run([python, "-c", "import halide, numpy"], env=env, cwd=BENCH_DIR,
                           capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return None, f"reference Halide at {python} does not import ({last})"
    return [python], env


def run_one(prefix, env, module, impl, quick):
    """Runs one benchmark process; returns (parsed JSON, None) or (None, error text)."""
    argv = prefix + [os.path.join(BENCH_DIR, module + ".py"), "--impl", impl, "--json"]
    if quick:
        argv.append("--quick")
    try:
        proc = subprocess.run(argv, env=env, cwd=BENCH_DIR, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_S} s"
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        return None, f"exit status {proc.returncode}\n{tail}"
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1]), None
    except (ValueError, IndexError):
        return None, f"unreadable output: {proc.stdout[-500:]!r}"


def pool(results):
    """key -> metric with the samples of every round concatenated (order of first round)."""
    pooled = {}
    for result in results:
        for m in result["metrics"]:
            if m["key"] in pooled:
                pooled[m["key"]]["samples"].extend(m["samples"])
            else:
                pooled[m["key"]] = dict(m, samples=list(m["samples"]))
    return pooled


def print_table(module, ours, reference, have_reference):
    title = module[len("bench_"):] if module.startswith("bench_") else module
    header = f"{title:<54} {'ours':>12}"
    if have_reference:
        header += f" {'reference':>12} {'ours/ref':>9}"
    print(header)
    keys = list(ours) + [k for k in reference if k not in ours]
    for key in keys:
        m = ours.get(key) or reference[key]
        o = harness.median(ours[key]["samples"]) if key in ours else float("nan")
        line = f"  {m['label']:<52} {harness.format_value(o, m['unit']):>12}"
        if have_reference:
            r = harness.median(reference[key]["samples"]) if key in reference else float("nan")
            ratio = o / r if r == r and o == o and r != 0 else float("nan")
            ratio_text = "-" if ratio != ratio else f"{ratio:.3f}"
            line += f" {harness.format_value(r, m['unit']):>12} {ratio_text:>9}"
        print(line)
    print()


def main():
    parser = argparse.ArgumentParser(description="Run every benchmark, ours vs the reference.")
    parser.add_argument("--rounds", type=int, default=3,
                        help="fresh processes per implementation and benchmark (default 3)")
    parser.add_argument("--quick", action="store_true", help="few samples, one round")
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="run only these")
    parser.add_argument("--no-reference", action="store_true", help="measure ours only")
    args = parser.parse_args()
    rounds = 1 if args.quick else max(1, args.rounds)
    modules = args.only or BENCHMARKS

    ours_prefix, ours_env = ours_command()
    if args.no_reference:
        ref_prefix, ref_env = None, "reference disabled (--no-reference)"
    else:
        ref_prefix, ref_env = reference_command()
    have_reference = ref_prefix is not None

    print(f"halide-c benchmarks on {platform.machine()} {_cpu_name()}, {os.cpu_count()} CPUs; "
          f"{rounds} round(s), a fresh process per implementation and round; medians.")
    print(f"  ours:      {sys.executable} with PYTHONPATH={ours_env['PYTHONPATH']}")
    if have_reference:
        print(f"  reference: {ref_prefix[0]} (separate process, no PYTHONPATH)")
    else:
        print(f"  {ref_env}: reporting ours only.")
    print()

    failed = False
    version_shown = False
    for module in modules:
        ours_results, ref_results = [], []
        for r in range(rounds):
            order = [("ours", ours_prefix, ours_env)]
            if have_reference:
                order.append(("reference", ref_prefix, ref_env))
            if r % 2 == 1:
                order.reverse()
            for impl, prefix, env in order:
                result, error = run_one(prefix, env, module, impl, args.quick)
                if error is not None:
                    print(f"[{'FAIL' if impl == 'ours' else 'WARN'}] {module} --impl {impl}: {error}")
                    failed |= impl == "ours"
                    continue
                (ours_results if impl == "ours" else ref_results).append(result)
        if ref_results and ref_results[0].get("version") and not version_shown:
            print(f"reference Halide version {ref_results[0]['version']}\n")
            version_shown = True
        print_table(module, pool(ours_results), pool(ref_results), have_reference)
    if have_reference:
        print("ours/ref: below 1 is better for times (ms), above 1 for % and GB/s. The numpy copy "
              "is the same in both columns, so its ratio shows the machine's noise.")
    return 1 if failed else 0


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
