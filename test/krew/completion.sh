#!/usr/bin/env bash
# Shell completion, driven for real (DESIGN §9).
# Usage: completion.sh MODE BINARY ROOT
#   protocol  `__complete` output: candidates, descriptions, :<directive>
#   bash      the bash script sourced in bash: COMP_WORDS/COMP_CWORD set, the
#             function called, COMPREPLY checked (with and without bash-completion)
#   zsh       the zsh script's function with zsh's completion builtins stubbed
#   fish      `complete -C` in fish
#   kubectl   `kubectl netpol <TAB>` through a real kubectl >= 1.26 with
#             kubectl_complete-netpol on PATH (else skipped, exit 77)
#   live      namespaces of a live cluster (test/live's loopback API server)
# Exit 0 pass, 1 fail, 77 skipped.
set -uo pipefail
MODE=${1:?mode}
BIN=$(realpath "${2:?binary}")
ROOT=$(realpath "${3:?root}")
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
unset KUBECONFIG

T=$(mktemp -d "${TMPDIR:-/tmp}/np-comp.XXXXXX")
trap 'rm -rf "$T"' EXIT
# kubectl-netpol on PATH, as an installed plugin is
mkdir -p "$T/bin"
ln -s "$BIN" "$T/bin/kubectl-netpol"
cp "$ROOT/completions/kubectl_complete-netpol" "$T/bin/"
chmod +x "$T/bin/kubectl_complete-netpol"
export PATH="$T/bin:$PATH"
export HOME="$T/home"
mkdir -p "$HOME"

failures=0
checks=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
skip() {
	echo "SKIP: $*"
	exit 77
}
# same WANT GOT: two newline-separated lists, order ignored
same() {
	checks=$((checks + 1))
	local what=$1 want got
	want=$(printf '%s\n' "$2" | sed '/^$/d' | LC_ALL=C sort)
	got=$(printf '%s\n' "$3" | sed '/^$/d' | LC_ALL=C sort)
	if [ "$want" != "$got" ]; then
		fail "$what"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /' | head -20
	fi
}
finish() {
	echo "$MODE: $checks checks, $failures failed"
	[ "$failures" -eq 0 ] && [ "$checks" -gt 0 ]
	exit $?
}

VERBS="audit cni completion explain help matrix snapshot version"
# every verb the binary lists (others may be added): the expected set
VERBS=$("$BIN" help | sed -n '/^Verbs:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
AUDIT_O=$("$BIN" audit --help | sed -n 's/.*Output format: \([a-z|]*\).*/\1/p' | tr '|' '\n')
MATRIX_O=$("$BIN" matrix --help | sed -n 's/.*Output format: \([a-z|]*\).*/\1/p' | tr '|' '\n')
NP2=$(printf 'NP-20%s\n' 1 2 3 4 5 6 7 8)

# ---- protocol ----
# candidates WORDS...: __complete's candidates (names only); its directive
# goes to $T/directive (candidates runs in a command substitution)
candidates() {
	local out
	out=$("$BIN" __complete "$@")
	printf '%s\n' "$out" | tail -1 > "$T/directive"
	printf '%s\n' "$out" | sed '$d' | cut -f1
}
directive() {
	cat "$T/directive"
}
count_requests() {
	jq -c "select($1)" "$T/requests.log" | wc -l
}

mode_protocol() {
	local out
	out=$("$BIN" __complete "")
	[ "$(printf '%s\n' "$out" | tail -1)" = ":4" ] || fail "verbs: directive is not :4"
	printf '%s\n' "$out" | grep -q $'^audit\t.' || fail "verbs carry no description"
	printf '%s\n' "$out" | grep -q '^__complete' && fail "the hidden verb is offered"
	same "verbs" "$VERBS" "$(candidates "")"
	same "verbs by prefix" "$(printf '%s\n' $VERBS | grep '^c')" "$(candidates c)"
	same "audit -o" "$AUDIT_O" "$(candidates audit -o "")"
	[ "$(directive)" = ":4" ] || fail "audit -o: directive $(directive)"
	printf '%s\n' $AUDIT_O | grep -qx sarif || fail "audit -o lacks sarif"
	same "matrix -o" "$MATRIX_O" "$(candidates matrix -o "")"
	same "audit --output=j" "$(printf '%s\n' $AUDIT_O | grep '^j' | sed 's/^/--output=/')" \
		"$(candidates audit --output=j)"
	same "audit -oj" "$(printf '%s\n' $AUDIT_O | grep '^j' | sed 's/^/-o/')" "$(candidates audit -oj)"
	same "flags before the verb still find it" "$AUDIT_O" "$(candidates -n x audit -o "")"
	same "--controls" "$("$BIN" __complete audit --controls "" | sed '$d' | cut -f1)" \
		"$(printf 'NP-10%s\n' 1 2 3 4 5 6; echo "$NP2")"
	same "--controls NP-2" "$NP2" "$(candidates audit --controls NP-2)"
	same "--controls list" "$(echo "$NP2" | grep -v NP-201 | sed 's/^/NP-201,/')" \
		"$(candidates audit --skip-controls NP-201,NP-2)"
	same "--semantics" "$(printf 'k8s\nkics')" "$(candidates audit --semantics "")"
	same "--fail-on" "$(printf 'none\nlow\nmedium\nhigh\ncritical')" "$(candidates audit --fail-on "")"
	same "-f completes files" "" "$(candidates audit -f "")"
	[ "$(directive)" = ":0" ] || fail "-f: directive $(directive), want :0"
	candidates audit --exceptions "" >/dev/null
	[ "$(directive)" = ":0" ] || fail "--exceptions: directive $(directive), want :0"
	same "--fail" "$(printf -- '--fail-on\n--fail-on-warn')" "$(candidates audit --fail)"
	same "a given flag is not offered again" "--fail-on-warn" "$(candidates audit --fail-on low --fail)"
	same "matrix --s: the --s flags its help lists" \
		"$("$BIN" matrix --help | grep -o -- '--s[a-z-]*' | sort -u)" "$(candidates matrix --s)"
	candidates matrix --s | grep -qx -- '--skip-controls' && fail "matrix offers --skip-controls"
	same "completion shells" "$(printf 'bash\nzsh\nfish\nkubectl')" "$(candidates completion "")"
	same "help topics" "$(printf '%s\n' $VERBS rbac)" "$(candidates help "")"
	same "offline -n offers nothing" "" "$(candidates audit -f x.yaml -n "")"
	[ "$(directive)" = ":4" ] || fail "offline -n: directive $(directive)"
	same "unknown verb" "" "$(candidates nosuchverb -)"
	same "--output-file" "$(printf '%s=\n' $AUDIT_O)" "$(candidates audit --output-file "")"
	[ "$(directive)" = ":6" ] || fail "--output-file: directive $(directive), want :6 (no space, no files)"
	# hostile words: no crash, no output beyond the protocol
	out=$("$BIN" __complete $'\x1b[31m' --controls=$'\xff,' "--=" "-" 2>&1)
	[ "$(printf '%s\n' "$out" | tail -1)" = ":4" ] || fail "hostile words: $out"
	[ "$("$BIN" completion kubectl)" = "$(cat "$ROOT/completions/kubectl_complete-netpol")" ] ||
		fail "completions/kubectl_complete-netpol differs from 'completion kubectl'"
	"$BIN" completion tcsh >/dev/null 2>&1
	[ $? = 2 ] || fail "completion tcsh: not a usage error"
	"$BIN" completion >/dev/null 2>&1
	[ $? = 2 ] || fail "completion without a shell: not a usage error"
	checks=$((checks + 10))
}

# ---- bash ----
# bash_reply [--bash-completion] WORD...: COMPREPLY after completing the last word
bash_reply() {
	local pre=""
	if [ "$1" = --bash-completion ]; then
		pre="source /usr/share/bash-completion/bash_completion;"
		shift
	fi
	local words="" w
	for w in "$@"; do
		words+=" $(printf '%q' "$w")"
	done
	bash --norc --noprofile -c "$pre"'
		source <(kubectl-netpol completion bash) || exit 3
		complete -p kubectl-netpol >/dev/null || exit 4
		COMP_WORDS=('"$words"')
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_kubectl_netpol kubectl-netpol "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"'
}

bash_cases() {
	local bc=${1:-}
	same "bash$bc: verbs" "$VERBS" "$(bash_reply $bc kubectl-netpol "")"
	same "bash$bc: au" "audit" "$(bash_reply $bc kubectl-netpol au)"
	same "bash$bc: audit -o" "$AUDIT_O" "$(bash_reply $bc kubectl-netpol audit -o "")"
	same "bash$bc: matrix -o c" "csv" "$(bash_reply $bc kubectl-netpol matrix -o c)"
	same "bash$bc: --controls NP-2" "$NP2" "$(bash_reply $bc kubectl-netpol audit --controls NP-2)"
	same "bash$bc: --semantics" "$(printf 'k8s\nkics')" "$(bash_reply $bc kubectl-netpol audit --semantics "")"
	# COMP_WORDBREAKS splits --output=j into three words; bash replaces the part after =
	same "bash$bc: --output=j" "$(printf '%s\n' $AUDIT_O | grep '^j')" \
		"$(bash_reply $bc kubectl-netpol audit --output = j)"
	same "bash$bc: -f files" "$(printf '%s\n' "$T/files/bundle.tar.gz" "$T/files/bundle.yaml")" \
		"$(bash_reply $bc kubectl-netpol audit -f "$T/files/bun")"
	same "bash$bc: --fail" "$(printf -- '--fail-on\n--fail-on-warn')" \
		"$(bash_reply $bc kubectl-netpol audit --fail)"
	same "bash$bc: completion" "$(printf 'bash\nzsh\nfish\nkubectl')" \
		"$(bash_reply $bc kubectl-netpol completion "")"
	same "bash$bc: nothing after version" "" "$(bash_reply $bc kubectl-netpol version x)"
}

mode_bash() {
	mkdir -p "$T/files"
	touch "$T/files/bundle.tar.gz" "$T/files/bundle.yaml" "$T/files/other.json"
	bash_cases
	if [ -f /usr/share/bash-completion/bash_completion ]; then
		bash_cases --bash-completion
	else
		echo "note: bash-completion is not installed; the script was tested without it"
	fi
}

# ---- zsh ----
mode_zsh() {
	command -v zsh >/dev/null 2>&1 || skip "zsh is not installed"
	"$BIN" completion zsh > "$T/_kubectl-netpol"
	zsh -n "$T/_kubectl-netpol" || fail "zsh -n: syntax error"
	# _describe and _files stubbed: print what the function hands them
	# words as zsh's positional parameters: no quoting to get wrong
	zreply() {
		zsh -f -c '
			compdef() { :; }
			_describe() { local arr=$4; print -rl -- "${(@P)arr}"; }
			_files() { print -r -- "<files>"; }
			source "$ZSCRIPT"
			words=("$@")
			CURRENT=$#
			_kubectl-netpol' zsh "$@"
	}
	export ZSCRIPT="$T/_kubectl-netpol"
	same "zsh: verbs" "$("$BIN" __complete "" | sed '$d' | sed 's/\t/:/')" "$(zreply kubectl-netpol "")"
	same "zsh: audit -o j" "$(printf '%s\n' $AUDIT_O | grep '^j')" "$(zreply kubectl-netpol audit -o j)"
	same "zsh: -f files" "<files>" "$(zreply kubectl-netpol audit -f "")"
	same "zsh: --controls NP-20" "$("$BIN" __complete audit --controls NP-20 | sed '$d' | sed 's/\t/:/')" \
		"$(zreply kubectl-netpol audit --controls NP-20)"
}

# ---- fish ----
mode_fish() {
	command -v fish >/dev/null 2>&1 || skip "fish is not installed"
	"$BIN" completion fish > "$T/kubectl-netpol.fish"
	fish --no-execute "$T/kubectl-netpol.fish" || fail "fish --no-execute: syntax error"
	freply() {
		fish --no-config -c "source '$T/kubectl-netpol.fish'; complete -C '$1'" | cut -f1
	}
	same "fish: verbs" "$VERBS" "$(freply 'kubectl-netpol ')"
	same "fish: au" "audit" "$(freply 'kubectl-netpol au')"
	same "fish: audit -o j" "$(printf '%s\n' $AUDIT_O | grep '^j')" "$(freply 'kubectl-netpol audit -o j')"
	same "fish: --semantics" "$(printf 'k8s\nkics')" "$(freply 'kubectl-netpol audit --semantics ')"
	mkdir -p "$T/ff"
	touch "$T/ff/cluster.yaml"
	same "fish: -f files" "$T/ff/cluster.yaml" "$(freply "kubectl-netpol audit -f $T/ff/cl")"
}

# ---- kubectl ----
mode_kubectl() {
	command -v kubectl >/dev/null 2>&1 || skip "kubectl is not installed (kubectl >= 1.26 runs kubectl_complete-netpol)"
	local v major minor
	v=$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	read -r major minor <<<"$v"
	if [ -z "$major" ] || [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 26 ]; }; then
		skip "kubectl ${v:-of unknown version} is older than 1.26: it does not run kubectl_complete-netpol"
	fi
	kreply() {
		kubectl __complete netpol "$@" 2>/dev/null
	}
	local out
	out=$(kreply "")
	[ "$(printf '%s\n' "$out" | tail -1)" = ":4" ] || fail "kubectl: directive is not :4: $(printf '%s\n' "$out" | tail -1)"
	same "kubectl netpol <TAB>" "$VERBS" "$(printf '%s\n' "$out" | sed '$d' | cut -f1)"
	same "kubectl netpol audit -o <TAB>" "$AUDIT_O" "$(kreply audit -o "" | sed '$d' | cut -f1)"
	same "kubectl netpol audit --controls NP-2<TAB>" "$NP2" "$(kreply audit --controls NP-2 | sed '$d' | cut -f1)"
	out=$(kreply audit -f "")
	[ "$(printf '%s\n' "$out" | tail -1)" = ":0" ] || fail "kubectl: -f directive is not :0"
	# the shim works when only it is on PATH next to the binary
	mkdir -p "$T/shim"
	cp "$BIN" "$T/shim/kubectl-netpol"
	cp "$ROOT/completions/kubectl_complete-netpol" "$T/shim/"
	same "shim next to the binary" "$VERBS" \
		"$(PATH="$T/shim:/usr/bin:/bin" "$T/shim/kubectl_complete-netpol" "" | sed '$d' | cut -f1)"
}

# ---- live namespaces ----
mode_live() {
	MINE=$T
	KEEP_TMP=${KEEP_TMP:-}
	source "$ROOT/test/live/lib.sh"
	live_init
	# lib.sh has its own temporary directory ($T) and EXIT trap
	trap 'live_cleanup; rm -rf "$MINE"' EXIT
	make_certs
	gen_cluster
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	local want got start end
	want=$(jq -r '.items[] | select(.kind == "Namespace") | .metadata.name' "$T/cluster.json")
	[ -n "$want" ] || fail "the fixture has no namespaces"
	got=$("$BIN" __complete audit --kubeconfig "$T/kc" -n "" | sed '$d')
	same "live -n: the cluster's namespaces" "$want" "$got"
	same "live --namespace=t" "$(echo "$want" | grep '^t' | sed 's/^/--namespace=/')" \
		"$("$BIN" __complete --kubeconfig "$T/kc" matrix --namespace=t | sed '$d')"
	# only namespaces were listed, with GET
	[ "$(count_requests '.method != "GET"')" = 0 ] || fail "a request was not GET"
	[ "$(count_requests '.path | test("/pods|/networkpolicies|/secrets|/configmaps")')" = 0 ] ||
		fail "namespace completion listed more than namespaces"
	[ "$(count_requests '.path == "/api/v1/namespaces"')" -ge 1 ] || fail "namespaces were not listed"
	# an unreachable cluster: nothing, and no stderr noise
	stop_server
	got=$("$BIN" __complete audit --kubeconfig "$T/kc" -n "" 2>"$T/err")
	same "unreachable: no candidates" ":4" "$got"
	[ ! -s "$T/err" ] || fail "unreachable: stderr: $(head -c 300 "$T/err")"
	# a server that never answers: completion gives up on its own (a 1 s
	# budget) instead of waiting for the server, which hangs up after 10 s.
	# The bound only tells a timeout from a hang; speed is not asserted here.
	python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
t = time.time()
while time.time() - t < 10:
    s.settimeout(0.2)
    try:
        conns.append(s.accept()[0])
    except OSError:
        pass
' "$T/blackhole.port" &
	local bh=$!
	for _ in $(seq 50); do [ -s "$T/blackhole.port" ] && break; sleep 0.1; done
	write_kubeconfig "$T/kc2" "$(user_token)" "https://127.0.0.1:$(cat "$T/blackhole.port")"
	start=$(date +%s%N)
	got=$("$BIN" __complete audit --kubeconfig "$T/kc2" -n "" 2>"$T/err")
	end=$(date +%s%N)
	kill "$bh" 2>/dev/null
	wait "$bh" 2>/dev/null
	same "silent server: no candidates" ":4" "$got"
	[ $(((end - start) / 1000000)) -lt 8000 ] || fail "a silent server held completion for $(((end - start) / 1000000)) ms"
}

case $MODE in
protocol) mode_protocol ;;
bash) mode_bash ;;
zsh) mode_zsh ;;
fish) mode_fish ;;
kubectl) mode_kubectl ;;
live) mode_live ;;
*) echo "unknown mode $MODE"; exit 2 ;;
esac
finish
