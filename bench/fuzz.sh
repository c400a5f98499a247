#!/usr/bin/env bash
# Runs the libFuzzer harnesses of test/fuzz/ for a while each (DESIGN §8).
#
#   bench/fuzz.sh [-t SECONDS] [-j JOBS] [--add] [HARNESS...]
#
# -t   seconds per harness (default 60); -j harnesses at a time (default 2);
# --add  copy every crashing, leaking or slow input into
#        test/fuzz/corpus/<name>/ so `meson test --suite fuzz` replays it.
# Harnesses default to every test/fuzz/fuzz_*.c. The fuzzers come from
# $FUZZ_BUILD (default build-fuzz), configured here with clang, ASan and
# UBSan if missing. Each run starts from a scratch copy of the committed
# corpus plus what earlier runs found ($FUZZ_WORK, default
# /tmp/np-fuzz-work/<name>), so the committed corpus only grows by hand.
# Prints one line per harness (runs, coverage, corpus size, findings) and
# exits 1 when anything was found.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=60
jobs=2
add=0
names=()
while [ $# -gt 0 ]; do
	case $1 in
	-t) secs=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	--add) add=1; shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
	*) names+=("$1"); shift ;;
	esac
done
if [ ${#names[@]} -eq 0 ]; then
	for f in test/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}
		names+=("${n%.c}")
	done
fi
build=${FUZZ_BUILD:-build-fuzz}
work=${FUZZ_WORK:-/tmp/np-fuzz-work}
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$build" $(printf 'test/fuzz/fuzz_%s ' "${names[@]}") >/dev/null

# Inputs bigger than this rarely find more per second spent; archives need room.
max_len() {
	case $1 in
	archive) echo 65536 ;;
	json|yaml|hcl|decode|layout|kubeconfig) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

run_one() {
	local n=$1 dir=$work/$1
	mkdir -p "$dir/corpus" "$dir/artifacts"
	# halt_on_error: a UBSan report is a finding, not a note
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$build/test/fuzz/fuzz_$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$n")" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
		"$dir/corpus" "test/fuzz/corpus/$n" >"$dir/log" 2>&1 </dev/null || true
}

mkdir -p "$work"
start=$(date +%s)
running=0
for n in "${names[@]}"; do
	[ -f "test/fuzz/fuzz_$n.c" ] || { echo "fuzz.sh: no harness $n" >&2; exit 2; }
	rm -rf "$work/$n/artifacts"
	run_one "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

found=0
for n in "${names[@]}"; do
	log=$work/$n/log
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	corp=$(find "$work/$n/corpus" -type f | wc -l)
	arts=()
	while IFS= read -r -d '' a; do arts+=("$a"); done \
		< <(find "$work/$n/artifacts" -type f -print0 2>/dev/null)
	printf '%-16s %6ss  runs %-10s cov %-6s corpus %-6s findings %s\n' "$n" "$secs" \
		"${runs:-?}" "${cov:-?}" "$corp" "${#arts[@]}"
	if [ ${#arts[@]} -gt 0 ]; then
		found=1
		grep -m1 -E 'ERROR: |runtime error:|==ERROR|out-of-memory|timeout' "$log" | sed 's/^/    /' || true
		for a in "${arts[@]}"; do
			echo "    $a"
			if [ "$add" = 1 ]; then
				cp "$a" "test/fuzz/corpus/$n/${a##*/}"
			fi
		done
	fi
done
echo "fuzz: ${#names[@]} harnesses, $(( $(date +%s) - start ))s wall; logs in $work/<name>/log"
exit $found
