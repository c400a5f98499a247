#!/usr/bin/env bash
# reach end-to-end tests, run against the real binary.
#   run.sh npguard BINARY ROOT   np-guard oracle: for every scenario under
#                                test/data/npguard, `reach -o connlist` must print
#                                exactly upstream's expected line set (flags and
#                                known differences in npguard.conf)
#   run.sh k8s BINARY ROOT       the Kubernetes e2e netpol model: every case under
#                                test/data/reach/k8s-e2e must give its truth tables
set -uo pipefail
MODE=$1
BIN=$2
ROOT=$3
HERE=$ROOT/test/e2e/reach
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export NO_COLOR=1
unset KUBECONFIG
export HOME=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$HOME"' EXIT

pass=0
fail=0
xfail=0
failed=()

sanitizer() {
	grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$1"
}

run_npguard() {
	local data=$ROOT/test/data/npguard dir name exp flags why rc
	for dir in "$data"/*/; do
		dir=${dir%/}
		name=${dir##*/}
		[ -d "$dir/input" ] || continue
		exp=$(ls "$dir"/expected/*_connlist_output.txt 2>/dev/null | head -1)
		[ -n "$exp" ] || continue
		flags=
		why=
		# npguard.conf: NAME<TAB>FLAGS|xfail<TAB>WHY
		if line=$(grep -P "^\Q$name\E\t" "$HERE/npguard.conf"); then
			flags=$(printf '%s' "$line" | cut -f2)
			why=$(printf '%s' "$line" | cut -f3)
		fi
		local xf=false
		if [ "$flags" = xfail ]; then
			xf=true
			flags=
		fi
		# shellcheck disable=SC2086
		timeout 120 "$BIN" reach -f "$dir/input" -o connlist $flags >"$tmp/out" 2>"$tmp/err"
		rc=$?
		LC_ALL=C sort "$exp" | sed '/^$/d' >"$tmp/want"
		LC_ALL=C sort "$tmp/out" >"$tmp/got"
		if ! LC_ALL=C sort -c "$tmp/out" 2>/dev/null; then
			echo "FAIL $name: output is not sorted"
			fail=$((fail + 1))
			failed+=("$name")
			continue
		fi
		if [ $rc -eq 0 ] && ! sanitizer "$tmp/err" && diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			if $xf; then
				echo "XPASS $name (listed as a known difference: $why)"
			fi
			pass=$((pass + 1))
		elif $xf && [ $rc -eq 0 ] && ! sanitizer "$tmp/err"; then
			echo "XFAIL $name: $why"
			xfail=$((xfail + 1))
		else
			echo "FAIL $name (reach -o connlist $flags): exit $rc"
			head -40 "$tmp/diff" | sed 's/^/   /'
			head -c 600 "$tmp/err" | sed 's/^/   stderr: /'
			fail=$((fail + 1))
			failed+=("$name")
		fi
	done
}

# Cells of a truth table in expect.txt against reach --port PROBE.
run_k8s() {
	local data=$ROOT/test/data/reach/k8s-e2e dir name probe rc
	for dir in "$data"/*/; do
		dir=${dir%/}
		name=${dir##*/}
		[ -f "$dir/expect.txt" ] || continue
		local ok=true
		while read -r probe; do
			timeout 60 "$BIN" reach -f "$data/model.yaml" -f "$dir/policy.yaml" --port "$probe" \
				-o connlist >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if [ $rc -ne 0 ] || sanitizer "$tmp/err"; then
				echo "FAIL $name $probe: exit $rc: $(head -c 300 "$tmp/err")"
				ok=false
				continue
			fi
			# "x/a[Pod] => y/b[Pod] : TCP 80" -> "x/a y/b"
			sed -n 's/^\([a-z]\/[a-z]\)\[Pod\] => \([a-z]\/[a-z]\)\[Pod\] : .*/\1 \2/p' "$tmp/out" \
				| sort >"$tmp/got"
			awk -v probe="$probe" '
				$1 == "probe" { on = ($2 == probe); hdr = 0; next }
				!on { next }
				!hdr { for (i = 1; i <= NF; i++) col[i] = $i; hdr = 1; next }
				{ for (i = 2; i <= NF; i++) if ($i == ".") print $1, col[i - 1] }
			' "$dir/expect.txt" | sort >"$tmp/want"
			if ! diff "$tmp/want" "$tmp/got" >"$tmp/diff"; then
				echo "FAIL $name $probe (< expected allowed only, > reach allows only):"
				sed 's/^/   /' "$tmp/diff" | head -20
				ok=false
			fi
		done < <(sed -n 's/^probe //p' "$dir/expect.txt")
		if $ok; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			failed+=("$name")
		fi
	done
}

case $MODE in
npguard) run_npguard ;;
k8s) run_k8s ;;
*)
	echo "usage: run.sh npguard|k8s BINARY ROOT" >&2
	exit 2
	;;
esac
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "reach $MODE: $pass passed, $xfail known differences, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
