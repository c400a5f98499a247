#!/usr/bin/env bash
# End-to-end tests of `matrix` and `explain` (run by meson in the e2e suite).
#
#   run.sh cases  BINARY ROOT   the data-driven cases in test/e2e/matrix/cases/,
#                               same format as test/e2e/run.sh (which runs them)
#   run.sh oracle BINARY ROOT   generated clusters of thousands of pods: the
#                               binary's `matrix -o json` must agree pod by pod
#                               with oracle.py, computed from the spec (also
#                               with -n and -l)
#   run.sh html   BINARY ROOT   the html report opens in headless Chromium with
#                               no CSP violation or script error, and renders
#                               (a screenshot); exit 77 (skipped) without it
set -uo pipefail
mode=$1
BIN=$2
ROOT=$3
HERE=$ROOT/test/e2e/matrix
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export SOURCE_DATE_EPOCH=1764000000
export NO_COLOR=1
unset KUBECONFIG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python=$(command -v python3 || true)

case $mode in
cases)
	# test/e2e/run.sh walks ROOT/test/e2e/cases: give it a root whose cases
	# are ours and whose data is the project's.
	mkdir -p "$tmp/root/test/e2e"
	ln -s "$HERE/cases" "$tmp/root/test/e2e/cases"
	ln -s "$ROOT/test/data" "$tmp/root/test/data"
	bash "$ROOT/test/e2e/run.sh" "$BIN" "$tmp/root"
	exit $?
	;;
oracle)
	if [ -z "$python" ]; then
		echo "SKIP: python3 is not installed (the oracle needs it)"
		exit 77
	fi
	fail=0
	# seed namespaces pods; then -n and -l on the same cluster
	for run in "1 10 3000" "2 14 4000" "3 3 1200"; do
		set -- $run
		"$python" "$HERE/gen.py" --seed "$1" --namespaces "$2" --pods "$3" >"$tmp/cluster.json" || exit 1
		for variant in "" "-n ns-1" "-l app in (web,api),!canary,tier!=data,env"; do
			args=()
			case $variant in
			-n*) args=(-n "${variant#-n }") ;;
			-l*) args=(-l "${variant#-l }") ;;
			esac
			if ! "$BIN" matrix -f "$tmp/cluster.json" "${args[@]}" -o json >"$tmp/got.json" 2>"$tmp/err"; then
				echo "FAIL seed $1 ${variant:-all}: exit $?: $(head -c 600 "$tmp/err")"
				fail=1
				continue
			fi
			if out=$("$python" "$HERE/oracle.py" "$tmp/cluster.json" "$tmp/got.json" "${args[@]}"); then
				echo "ok   seed $1 ${variant:-all}: $out"
			else
				echo "FAIL seed $1 ${variant:-all}:"
				echo "$out"
				fail=1
			fi
		done
	done
	exit $fail
	;;
html)
	chromium=""
	for c in chromium chromium-browser google-chrome; do
		command -v "$c" >/dev/null 2>&1 && { chromium=$(command -v "$c"); break; }
	done
	[ -x /usr/bin/chromium ] && chromium=/usr/bin/chromium
	if [ -z "$chromium" ]; then
		echo "SKIP: chromium is not installed (Debian package chromium)"
		exit 77
	fi
	if [ -z "$python" ]; then
		echo "SKIP: python3 is not installed (gen.py needs it)"
		exit 77
	fi
	"$python" "$HERE/gen.py" --seed 7 --namespaces 3 --pods 60 >"$tmp/cluster.json" || exit 1
	"$BIN" matrix -f "$tmp/cluster.json" -f "$ROOT/test/data/matrix/hostile.yaml" -o html \
		>"$tmp/report.html" || { echo "FAIL: matrix -o html exited $?"; exit 1; }
	shot=${MATRIX_SCREENSHOT:-$tmp/report.png}
	profile=$(mktemp -d)
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
		--disable-background-networking --disable-component-update --disable-sync
		--user-data-dir="$profile" --enable-logging=stderr --v=0 --window-size=1280,2000)
	# One run (Chromium starts slowly): the screenshot, and the DOM it built.
	timeout 180 "$chromium" "${flags[@]}" --screenshot="$shot" --dump-dom "file://$tmp/report.html" \
		>"$tmp/dom.html" 2>"$tmp/shot.err"
	rc=$?
	rm -rf "$profile"
	fail=0
	[ "$rc" -eq 0 ] || { echo "FAIL: chromium exited $rc"; fail=1; }
	# The page runs no script, so any console message is a problem: a CSP
	# violation ("... violates the following Content Security Policy
	# directive"), a blocked load, a script error.
	if grep -iE ':CONSOLE|Refused to|Content Security Policy|Uncaught|SyntaxError' "$tmp/shot.err"; then
		echo "FAIL: the page logged errors"
		fail=1
	fi
	# The DOM Chromium built holds the heat maps, the escaped names, and no
	# element from the input.
	grep -q '<table class="heat">' "$tmp/dom.html" || { echo "FAIL: no heat map in the DOM"; fail=1; }
	grep -q 'Uncovered workloads' "$tmp/dom.html" || { echo "FAIL: no uncovered list"; fail=1; }
	grep -q '&lt;img src=x onerror=alert(1)&gt;' "$tmp/dom.html" || { echo "FAIL: name not escaped"; fail=1; }
	if grep -qiE '<(script|img)\b' "$tmp/dom.html"; then echo "FAIL: input became markup"; fail=1; fi
	# A rendered page is a PNG of some size with more than one colour.
	if ! "$python" - "$shot" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert w >= 800 and h >= 600, "too small: %dx%d" % (w, h)
idat, pos = b"", 8
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4])
    if data[pos + 4:pos + 8] == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
assert len(set(raw[:200000])) > 8, "blank page"
print("screenshot %dx%d" % (w, h))
PY
	then
		echo "FAIL: screenshot"
		fail=1
	fi
	[ "$fail" -eq 0 ] && echo "ok: html report renders in $($chromium --version 2>/dev/null | head -1)"
	exit $fail
	;;
*)
	echo "usage: run.sh cases|oracle|html BINARY ROOT" >&2
	exit 2
	;;
esac
