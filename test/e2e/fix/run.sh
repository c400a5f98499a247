#!/usr/bin/env bash
# End-to-end checks of `fix` on generated clusters (run by meson in the e2e
# suite; test/e2e/fix/gen.py makes the clusters):
#   - the output is valid for the API server (check.py schema on -o json, and
#     NP-208 of our own decoder on the YAML);
#   - audit -f CLUSTER -f FIX passes NP-102, NP-103, NP-201 and NP-205, with
#     and without --no-preserve;
#   - fix is idempotent: on CLUSTER plus its output it generates nothing, and
#     --check exits 0 there and 1 on CLUSTER alone;
#   - preserve: `reach` still allows, after the fix, every connection today's
#     Services, Ingresses and policies imply that it allowed before
#     (check.py preserve computes those connections itself);
#   - -n NS only writes policies of NS.
#
#   run.sh BINARY ROOT
set -uo pipefail
BIN=$1
ROOT=$2
HERE=$ROOT/test/e2e/fix
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export NO_COLOR=1
unset KUBECONFIG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python=$(command -v python3 || true)
if [ -z "$python" ]; then
	echo "SKIP: python3 is not installed (the generator and checks need it)"
	exit 77
fi

fail=0
bad() {
	echo "FAIL seed $seed: $*"
	fail=1
}

# Statuses of the given controls in an AuditReport, "ID=STATUS ...".
statuses() {
	"$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join("%s=%s" % (c["id"], c["status"]) for c in r["controls"]))' "$1"
}

items() {
	"$python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$1"
}

CONTROLS=NP-102,NP-103,NP-201,NP-205
WANT="NP-102=PASS NP-103=PASS NP-201=PASS NP-205=PASS"

for run in "1 8" "2 6" "3 12" "4 7" "5 9" "6 10"; do
	set -- $run
	seed=$1
	c=$tmp/cluster-$seed.json
	"$python" "$HERE/gen.py" --seed "$seed" --namespaces "$2" >"$c" || { bad "gen.py"; continue; }

	"$BIN" fix -f "$c" >"$tmp/fix.yaml" 2>"$tmp/err" || { bad "fix exited $?: $(head -c 400 "$tmp/err")"; continue; }
	"$BIN" fix -f "$c" -o json >"$tmp/fix.json" 2>"$tmp/err" || { bad "fix -o json exited $?"; continue; }
	n=$(items "$tmp/fix.json")
	[ "$n" -gt 0 ] || bad "fix generated nothing"
	[ "$(grep -c '^kind: NetworkPolicy$' "$tmp/fix.yaml")" -eq "$n" ] ||
		bad "yaml and json disagree on the number of policies"

	# valid for the API server
	out=$("$python" "$HERE/check.py" schema "$tmp/fix.json") || bad "schema: $out"
	"$BIN" audit -f "$tmp/fix.yaml" --controls NP-208 -o json >"$tmp/a208.json" 2>/dev/null
	[ "$(statuses "$tmp/a208.json")" = "NP-208=PASS" ] || bad "NP-208 on the output: $(statuses "$tmp/a208.json")"

	# the controls pass once the output is applied
	"$BIN" audit -f "$c" -f "$tmp/fix.yaml" --controls "$CONTROLS" -o json >"$tmp/after.json" 2>/dev/null
	got=$(statuses "$tmp/after.json")
	[ "$got" = "$WANT" ] || bad "audit after fix: $got"

	# idempotent
	"$BIN" fix -f "$c" -f "$tmp/fix.yaml" -o json >"$tmp/again.json" 2>/dev/null
	[ "$(items "$tmp/again.json")" -eq 0 ] || bad "fix on its own output generates $(items "$tmp/again.json") more"
	"$BIN" fix --check -f "$c" -f "$tmp/fix.yaml" >"$tmp/out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || bad "fix --check after fix exited $rc"
	"$BIN" fix --check -f "$c" >"$tmp/out" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] || bad "fix --check before fix exited $rc"
	[ -s "$tmp/out" ] && bad "fix --check printed: $(head -c 200 "$tmp/out")"

	# preserve: no implied connection lost
	"$BIN" reach -f "$c" -o json >"$tmp/r0.json" 2>/dev/null || bad "reach before: exit $?"
	"$BIN" reach -f "$c" -f "$tmp/fix.yaml" -o json >"$tmp/r1.json" 2>/dev/null || bad "reach after: exit $?"
	if out=$("$python" "$HERE/check.py" preserve "$c" "$tmp/r0.json" "$tmp/r1.json"); then
		pres=$(echo "$out" | tail -1)
	else
		bad "preserve:"
		echo "$out"
	fi

	# --no-preserve: deny plus DNS, what to allow listed as comments
	"$BIN" fix -f "$c" --no-preserve >"$tmp/np.yaml" 2>/dev/null || bad "fix --no-preserve exited $?"
	grep -q 'purpose: preserve' "$tmp/np.yaml" && bad "--no-preserve wrote preserve policies"
	grep -q '^# Not allowed (--no-preserve)' "$tmp/np.yaml" || bad "--no-preserve lists nothing to allow"
	"$BIN" audit -f "$c" -f "$tmp/np.yaml" --controls "$CONTROLS" -o json >"$tmp/after.json" 2>/dev/null
	got=$(statuses "$tmp/after.json")
	[ "$got" = "$WANT" ] || bad "audit after fix --no-preserve: $got"

	# -n: one namespace
	"$BIN" fix -f "$c" -n app-0 -o json >"$tmp/ns.json" 2>/dev/null
	others=$("$python" -c '
import json, sys
print(sum(1 for i in json.load(open(sys.argv[1]))["items"] if i["metadata"]["namespace"] != "app-0"))' "$tmp/ns.json")
	[ "$others" -eq 0 ] || bad "fix -n app-0 wrote $others policies of other namespaces"
	[ "$(items "$tmp/ns.json")" -gt 0 ] || bad "fix -n app-0 generated nothing"

	[ "$fail" -eq 0 ] && echo "ok   seed $seed: $n policies; $pres"
done
exit $fail
