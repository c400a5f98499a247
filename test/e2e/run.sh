#!/usr/bin/env bash
# Data-driven end-to-end tests: every directory under test/e2e/cases/ runs the
# real binary once and checks its exit code and output.
#
# A case directory holds:
#   args           the arguments, one shell line; $CASE, $DATA (test/data), $ROOT expand
#   exit           expected exit code (default 0)
#   expected.json  stdout, as JSON, equals this after `jq -S "$(cat filter.jq)"`
#                  (default filter drops generatedAt and generator)
#   stdout         lines that must each appear in stdout (fixed strings)
#   stderr         extended regexes that must each match some stderr line
#   stdin          file fed to standard input (default /dev/null)
#   check          extra bash run with OUT, ERR, RC, CASE set; non-zero fails
# Usage: run.sh BINARY ROOT [CASE-NAME-GLOB]
set -uo pipefail
BIN=$1
ROOT=$2
GLOB=${3:-*}
DATA=$ROOT/test/data
export ROOT DATA BIN
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export SOURCE_DATE_EPOCH=1764000000
export NO_COLOR=1
unset KUBECONFIG
export HOME=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$HOME"' EXIT

pass=0
fail=0
failed=()
for CASE in "$ROOT"/test/e2e/cases/$GLOB/; do
	CASE=${CASE%/}
	name=${CASE##*/}
	[ -f "$CASE/args" ] || continue
	export CASE
	OUT=$tmp/$name.out
	ERR=$tmp/$name.err
	eval "set -- $(cat "$CASE/args")"
	stdin=/dev/null
	[ -f "$CASE/stdin" ] && stdin=$CASE/stdin
	(cd "$CASE" && timeout 60 "$BIN" "$@" <"$stdin" >"$OUT" 2>"$ERR")
	RC=$?
	want=0
	[ -f "$CASE/exit" ] && want=$(tr -d '[:space:]' <"$CASE/exit")
	why=()
	[ "$RC" = "$want" ] || why+=("exit $RC, want $want")
	if [ -f "$CASE/expected.json" ]; then
		filter='del(.generatedAt, .generator)'
		[ -f "$CASE/filter.jq" ] && filter=$(cat "$CASE/filter.jq")
		if ! got=$(jq -S "$filter" "$OUT" 2>&1); then
			why+=("stdout is not JSON: $got")
		elif ! diff -u <(jq -S . "$CASE/expected.json") <(printf '%s\n' "$got") >"$tmp/$name.diff"; then
			why+=("JSON differs:"$'\n'"$(head -60 "$tmp/$name.diff")")
		fi
	fi
	if [ -f "$CASE/stdout" ]; then
		while IFS= read -r line; do
			[ -z "$line" ] && continue
			grep -qF -- "$line" "$OUT" || why+=("stdout lacks: $line")
		done <"$CASE/stdout"
	fi
	if [ -f "$CASE/stderr" ]; then
		while IFS= read -r re; do
			[ -z "$re" ] && continue
			grep -qE -- "$re" "$ERR" || why+=("stderr lacks /$re/")
		done <"$CASE/stderr"
	fi
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$ERR"; then
		why+=("sanitizer report")
	fi
	if [ -f "$CASE/check" ]; then
		chk=$(OUT=$OUT ERR=$ERR RC=$RC CASE=$CASE bash "$CASE/check" 2>&1) || why+=("check failed: $chk")
	fi
	if [ ${#why[@]} -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed+=("$name")
		echo "FAIL $name ($*)"
		printf '   %s\n' "${why[@]}"
		echo "   stderr: $(head -c 600 "$ERR")"
	fi
done
[ ${#failed[@]} -eq 0 ] || echo "failed cases: ${failed[*]}"
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
