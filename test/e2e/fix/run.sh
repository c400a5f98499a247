#!/usr/bin/env bash
# End-to-end checks of `fix` on generated clusters (run by meson in the e2e
# suite; test/e2e/fix/gen.py makes the clusters, check.py checks them):
#   - the output is valid for the API server (check.py's schema on -o json,
#     and NP-208 of our own decoder on the YAML);
#   - audit -f CLUSTER -f FIX passes NP-102, NP-103, NP-201 and NP-205, with
#     and without --no-preserve;
#   - fix is idempotent: on CLUSTER plus its output it generates nothing, and
#     --check exits 0 there and 1 (printing nothing) on CLUSTER alone;
#   - preserve: `reach` still allows, after the fix, every connection today's
#     Services, Ingresses and policies imply that it allowed before (check.py
#     computes those connections itself);
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
# seed namespaces
for run in "1 8" "2 6" "3 12" "4 7" "5 9"; do
	set -- $run
	c=$tmp/cluster-$1.json
	if ! "$python" "$HERE/gen.py" --seed "$1" --namespaces "$2" >"$c"; then
		echo "FAIL seed $1: gen.py"
		fail=1
		continue
	fi
	if out=$("$python" "$HERE/check.py" all "$BIN" "$c" "$tmp"); then
		echo "ok   seed $1: $(echo "$out" | tr '\n' ' ')"
	else
		echo "FAIL seed $1:"
		echo "$out"
		fail=1
	fi
done
# real inputs: the demo cluster, the conformance bundles holding what the
# controls need, and odd objects (63-character namespace, unlabelled pods,
# Services without selector, default-backend-only Ingress, named target
# ports, taken names, node-local-dns pods without their DaemonSet, DNS on
# ports other than 53 with a partly egress-isolated namespace, namespaces
# named null/true/1e3/0x1f, a 253-character policy name, a hostNetwork
# Service backend on a named port, an Ingress to a missing Service)
for src in "$ROOT/demo/demo-cluster.tar.gz" \
	"$ROOT/test/data/bundles/kubectl-get-yaml-onlineboutique" \
	"$ROOT/test/data/bundles/troubleshoot-baseline-v0.123" \
	"$ROOT/test/data/bundles/troubleshoot-testdata-v0.50" \
	"$ROOT"/test/data/fix/*.json "$ROOT"/test/data/fix/*.yaml; do
	if out=$("$python" "$HERE/check.py" input "$BIN" "$src" "$tmp"); then
		echo "ok   ${src#$ROOT/}: $(echo "$out" | tail -1)"
	else
		echo "FAIL ${src#$ROOT/}:"
		echo "$out"
		fail=1
	fi
done
# bundles that lack Namespaces or NetworkPolicies: the controls are ERROR,
# fix says the result is incomplete and exits 1
for src in "$ROOT/test/data/bundles/cluster-info-dump-aks-2020" \
	"$ROOT/test/data/bundles/sonobuoy-0.10-legacy" "$ROOT/test/data/bundles/sonobuoy-2022-list"; do
	"$BIN" fix -f "$src" >"$tmp/inc.yaml" 2>"$tmp/inc.err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "incomplete:" "$tmp/inc.err"; then
		echo "ok   ${src#$ROOT/}: incomplete, exit 1"
	else
		echo "FAIL ${src#$ROOT/}: exit $rc, stderr: $(head -c 300 "$tmp/inc.err")"
		fail=1
	fi
done
exit $fail
