#!/usr/bin/env python3
"""Runs the binary once on a hostile input and checks what DESIGN §8 and
§2.4 promise: the documented exit code, at most one stderr line matching a
pattern, no sanitizer report, bounded wall time and peak memory.

    expect.py [--exit N[,N...]] [--stderr REGEX] [--lines N] [--stdin FILE]
              [--time SECONDS] [--rss MIB] [--json] -- BIN ARGS...

--lines: exact number of stderr lines (default 1 when --stderr is given,
else 0). --json: stdout must parse as JSON. --time bounds the child's CPU
time (user + system), which a loaded machine does not inflate; a hang is
caught by a wall-clock limit of max(60 s, 6 x --time). Peak memory is the
child's maxrss; under AddressSanitizer it includes the shadow memory, so
the bound is a ceiling, not a budget.
Prints one line per problem and exits 1 if there is any.

This directory has no `args` file, so test/e2e/run.sh does not run it as a
case: the hostile-* cases call it from their `check` scripts."""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--exit", default="2")
p.add_argument("--stderr")
p.add_argument("--lines", type=int)
p.add_argument("--stdin")
p.add_argument("--time", type=float, default=10.0)
p.add_argument("--rss", type=int, default=1024)
p.add_argument("--json", action="store_true")
p.add_argument("cmd", nargs=argparse.REMAINDER)
a = p.parse_args()
cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
want_exit = {int(x) for x in a.exit.split(",")}
want_lines = a.lines if a.lines is not None else (1 if a.stderr else 0)

stdin = open(a.stdin, "rb") if a.stdin else subprocess.DEVNULL
wall_limit = max(60.0, 6 * a.time)
t0 = time.monotonic()
problems = []
try:
    r = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=wall_limit)
    rc, out, err = r.returncode, r.stdout, r.stderr
except subprocess.TimeoutExpired as e:
    rc, out, err = None, e.stdout or b"", e.stderr or b""
    problems.append(f"still running after {wall_limit:g} s (killed)")
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
rss_mib = ru.ru_maxrss / 1024
if cpu > a.time:
    problems.append(f"{cpu:.1f} s of CPU time > {a.time:g} s")

text = err.decode("utf-8", "replace")
lines = text.splitlines()
if rc is not None and rc not in want_exit:
    problems.append(f"exit {rc}, want {a.exit}")
if re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", text):
    problems.append("sanitizer report")
elif len(lines) != want_lines:
    problems.append(f"{len(lines)} stderr lines, want {want_lines}")
if a.stderr and not any(re.search(a.stderr, l) for l in lines):
    problems.append(f"stderr lacks /{a.stderr}/")
if rss_mib > a.rss:
    problems.append(f"peak memory {rss_mib:.0f} MiB > {a.rss} MiB")
if a.json:
    try:
        json.loads(out)
    except ValueError as e:
        problems.append(f"stdout is not JSON: {e}")
for pr in problems:
    print(f"{' '.join(os.path.basename(c) for c in cmd[:1]) } {' '.join(cmd[1:])[:200]}: {pr}")
if problems:
    print("   stderr: " + text[:600].replace("\n", "\n           "))
    sys.exit(1)
print(f"ok: exit {rc}, {cpu:.2f} s CPU, {wall:.2f} s wall, {rss_mib:.0f} MiB: {lines[0][:160] if lines else ''}",
      file=sys.stderr)
