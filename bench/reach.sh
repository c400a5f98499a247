#!/usr/bin/env bash
# Reachability benchmark (DESIGN §7): `kubectl netpol reach` on a generated
# 20,000-pod / 500-namespace / 2,000-NetworkPolicy cluster (bench/gen.py)
# plus admin-tier policies (bench/reach_gen.py). Prints the class count, the
# number of connections listed, and wall/user/sys time and peak RSS of the load
# alone and of the whole run. A figure, never a pass/fail test.
#
#   bench/reach.sh [BINARY] [--pods N] [--namespaces N] [--policies N] [--anps N] [--keep DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/kubectl-netpol}
[ $# -gt 0 ] && shift
PODS=20000 NS=500 POLICIES=2000 ANPS=40 KEEP=
while [ $# -gt 0 ]; do
	case $1 in
	--pods) PODS=$2; shift 2 ;;
	--namespaces) NS=$2; shift 2 ;;
	--policies) POLICIES=$2; shift 2 ;;
	--anps) ANPS=$2; shift 2 ;;
	--keep) KEEP=$2; shift 2 ;;
	*) echo "usage: bench/reach.sh [BINARY] [--pods N] [--namespaces N] [--policies N] [--anps N] [--keep DIR]" >&2; exit 2 ;;
	esac
done
[ -x "$BIN" ] || { echo "bench/reach.sh: $BIN: not built (meson setup build && ninja -C build)" >&2; exit 2; }
DIR=${KEEP:-$(mktemp -d)}
[ -n "$KEEP" ] || trap 'rm -rf "$DIR"' EXIT
mkdir -p "$DIR"
if [ ! -f "$DIR/cluster.json" ]; then
	python3 "$ROOT/bench/gen.py" --pods "$PODS" --namespaces "$NS" --policies "$POLICIES" \
		--formats json "$DIR" >/dev/null
fi
[ -f "$DIR/admin.yaml" ] || python3 "$ROOT/bench/reach_gen.py" --anps "$ANPS" "$DIR/admin.yaml"
measure() { # LABEL ARGS... : prints wall, user, sys, RSS of one run, stdout to $DIR/out
	local label=$1 wall user sys rss
	shift
	# Exit 1 (an incomplete result) is still a measurement.
	/usr/bin/time -o "$DIR/time" -f '%e %U %S %M' "$BIN" "$@" >"$DIR/out" 2>"$DIR/err" || true
	read -r wall user sys rss <"$DIR/time"
	printf '%-34s wall %6.2f s  user %6.2f s  sys %5.2f s  peak RSS %5d MiB\n' "$label" "$wall" "$user" "$sys" \
		$((rss / 1024))
}
echo "cluster: $PODS pods, $NS namespaces, $POLICIES NetworkPolicies, $ANPS AdminNetworkPolicies + BANP"
measure "load only (reach --to 192.0.2.1)" reach -f "$DIR/cluster.json" -f "$DIR/admin.yaml" \
	--to 192.0.2.1 -o connlist
measure "reach -o connlist (all pairs)" reach -v -f "$DIR/cluster.json" -f "$DIR/admin.yaml" -o connlist
echo "connections listed: $(wc -l <"$DIR/out")"
grep -h 'reach:' "$DIR/err" | sed 's/^kubectl-netpol: /classes: /'
measure "reach --exposure -o json" reach -f "$DIR/cluster.json" -f "$DIR/admin.yaml" --exposure -o json
