#!/usr/bin/env bash
# Live audit against kubectl on the same loopback API server (DESIGN §7):
#
#   bench/live.sh [--runs N] [--build DIR] [--data DIR] [--pods N]
#
# Serves a synthetic cluster (bench/gen.py, default 20,000 pods / 500
# namespaces / 2,000 policies, reused from DIR/bench-data/20k as bench/run
# writes it) with test/live/apiserver.py over TLS with a bearer token, pages
# pre-encoded (--cache-pages) so the Python server's JSON encoding is not what
# is timed. Then, after one warm-up run each (kubectl's discovery cache stays
# warm, as a user's would), interleaved --runs times (default 5):
#
#   kubectl-netpol audit --kubeconfig KC -o json
#   kubectl --kubeconfig KC get pods,networkpolicies,namespaces,nodes,daemonsets,configmaps -A -o json
#
# and prints the medians of wall time, user+sys CPU and peak RSS, and the
# ratios (goal: wall <= 1.0x kubectl). Timing: BUILD/bench/measure (meson
# -Dbench=true) if built, else /usr/bin/time. Both clients gzip and page by
# 500; the server's own CPU is in neither figure. On a shared machine prefer
# the CPU column.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
BUILD=
DATA=
PODS=20000
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--data) DATA=$2; shift 2 ;;
	--pods) PODS=$2; shift 2 ;;
	-h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/live.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$BUILD" ]; then
	for d in build-bench build; do
		[ -x "$ROOT/$d/kubectl-netpol" ] && { BUILD=$ROOT/$d; break; }
	done
fi
BIN=${BUILD:+$BUILD/kubectl-netpol}
[ -n "$BIN" ] && [ -x "$BIN" ] || { echo "bench/live.sh: build kubectl-netpol first (--build DIR)" >&2; exit 2; }
command -v kubectl >/dev/null 2>&1 || { echo "bench/live.sh: kubectl is not installed" >&2; exit 2; }
if [ "$PODS" = 20000 ]; then
	DATA=${DATA:-$BUILD/bench-data/20k}
else
	DATA=${DATA:-$BUILD/bench-data/live-$PODS}
fi

CASE=bench
# shellcheck source=../test/live/lib.sh
source "$ROOT/test/live/lib.sh"
live_init
unset CI
make_certs

if [ ! -s "$DATA/cluster.json" ]; then
	echo "generating $PODS pods into $DATA ..." >&2
	mkdir -p "$DATA"
	"$PYTHON" "$ROOT/bench/gen.py" --pods "$PODS" --formats json "$DATA" >&2 ||
		fail "bench/gen.py failed"
fi
ln -s "$DATA/cluster.json" "$T/cluster.json"
echo "loading $(du -h "$DATA/cluster.json" | cut -f1) of objects into the API server ..." >&2
START_WAIT=1200 start_server --cache-pages
write_kubeconfig "$T/kc" "$(user_token)"
export KUBECACHEDIR="$T/kube-cache"

if [ -x "$BUILD/bench/measure" ]; then
	MEASURE=measure
elif [ -x /usr/bin/time ]; then
	MEASURE=time
else
	fail "neither $BUILD/bench/measure (meson -Dbench=true) nor /usr/bin/time is available"
fi
echo "timing with $MEASURE" >&2

# measure OUT CMD... -> "wall user sys maxrss_kib status" on stdout
measure() {
	local out=$1
	shift
	if [ "$MEASURE" = measure ]; then
		"$BUILD/bench/measure" -o "$out" "$@"
	else
		/usr/bin/time -f '%e %U %S %M %x' -o "$T/time.out" "$@" > "$out" 2> "$T/cmd.err"
		tail -1 "$T/time.out"
	fi
}

ours=("$BIN" audit --kubeconfig "$T/kc" -o json)
theirs=(kubectl --kubeconfig "$T/kc" get pods,networkpolicies,namespaces,nodes,daemonsets,configmaps -A -o json)

# Warm-up: fills the page cache and kubectl's discovery cache; checks both saw everything.
measure "$T/ours.json" "${ours[@]}" > /dev/null
measure "$T/theirs.json" "${theirs[@]}" > /dev/null
# The audit counts pods that are not terminated (DESIGN §4).
pods_ours=$(jq '.summary.pods' "$T/ours.json")
pods_theirs=$(jq '[.items[] | select(.kind == "Pod" and ((.status.phase // "") | IN("Succeeded", "Failed") | not))] | length' "$T/theirs.json")
pods_all=$(jq '[.items[] | select(.kind == "Pod")] | length' "$T/theirs.json")
[ "$pods_ours" = "$pods_theirs" ] && [ "$pods_ours" -gt 0 ] ||
	fail "the clients saw different clusters: $pods_ours counted pods (audit) vs $pods_theirs (kubectl)"
[ "$(jq '.summary.complete' "$T/ours.json")" = true ] || fail "the live audit was incomplete"

: > "$T/ours.times"
: > "$T/theirs.times"
for i in $(seq 1 "$RUNS"); do
	measure "$T/ours.json" "${ours[@]}" >> "$T/ours.times"
	measure "$T/theirs.json" "${theirs[@]}" >> "$T/theirs.times"
	echo "run $i/$RUNS: audit $(tail -1 "$T/ours.times" | cut -d' ' -f1-4), kubectl $(tail -1 "$T/theirs.times" | cut -d' ' -f1-4)" >&2
done

"$PYTHON" - "$T/ours.times" "$T/theirs.times" "$pods_all" "$RUNS" <<'PY'
import statistics, sys

def load(path):
    rows = [list(map(float, l.split()[:4])) for l in open(path) if l.strip()]
    return {"wall": statistics.median(r[0] for r in rows),
            "cpu": statistics.median(r[1] + r[2] for r in rows),
            "rss": statistics.median(r[3] for r in rows) / 1024.0}

ours, theirs = load(sys.argv[1]), load(sys.argv[2])
print(f"live, {sys.argv[3]} pods, median of {sys.argv[4]} runs")
print(f"{'':44} {'wall s':>8} {'cpu s':>8} {'RSS MiB':>8}")
print(f"{'kubectl-netpol audit -o json (live)':44} {ours['wall']:8.2f} {ours['cpu']:8.2f} {ours['rss']:8.0f}")
print(f"{'kubectl get <6 resources> -A -o json':44} {theirs['wall']:8.2f} {theirs['cpu']:8.2f} {theirs['rss']:8.0f}")
print(f"{'ratio (audit / kubectl; goal wall <= 1.0)':44} {ours['wall'] / theirs['wall']:8.2f} "
      f"{ours['cpu'] / theirs['cpu']:8.2f} {ours['rss'] / theirs['rss']:8.2f}")
PY
