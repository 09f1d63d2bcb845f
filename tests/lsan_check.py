"""Runs a command under LeakSanitizer and fails only on leaks through halide-c's own code.

Usage: python tests/lsan_check.py [--direct-only] <command...>
       (with the ASan runtime preloaded by the caller)

Why: a suppression such as "leak:libpython" hides every leak whose stack passes through the
interpreter, which is every leak the extension makes when called from Python. Instead, the
command runs with no suppressions and LeakSanitizer's exit code turned off; its report is
then read block by block, and a leak fails the run when any frame of its stack lies in
this repository's C sources (src/ or python/src/). Interpreter-owned objects alive at exit
have stacks in CPython and NumPy only and are ignored. A script that drops every object it
made (tests/asan_smoke.py) is checked strictly: any leak block of ours fails, so a reference
cycle between our objects (whose blocks LeakSanitizer calls indirect) is caught. Under
pytest, which keeps test objects alive to the end, --direct-only fails on direct leaks only
(memory nothing points to any more); objects reachable from what the interpreter keeps at
exit are reported as indirect and ignored.
What it guarantees: the command's own exit status is kept (an ASan error or a failing test
fails the run); the leak blocks that fail are printed.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = (os.path.join(ROOT, "src") + os.sep, os.path.join(ROOT, "python", "src") + os.sep)


def main(argv):
    direct_only = bool(argv) and argv[0] == "--direct-only"
    if direct_only:
        argv = argv[1:]
    env = dict(os.environ)
    env["LSAN_OPTIONS"] = "exitcode=0:report_objects=0"
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    proc = subprocess.run(argv, env=env, stderr=subprocess.PIPE, text=True, errors="replace")
    sys.stderr.write(proc.stderr)
    blocks = re.split(r"\n(?=(?:Direct|Indirect) leak of )", proc.stderr)
    kinds = ("Direct leak",) if direct_only else ("Direct leak", "Indirect leak")
    ours = [b for b in blocks if b.startswith(kinds) and any(p in b for p in OURS)]
    if ours:
        print(f"\nlsan_check: {len(ours)} leak(s) through halide-c code:", file=sys.stderr)
        for b in ours[:20]:
            print(b.split("\n\n")[0], file=sys.stderr)
        return 1
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
