#!/usr/bin/env bash
# `meson install` (DESIGN §9) into a scratch DESTDIR: the binary and the
# kubectl_complete-netpol shim in bindir, the man page in man1, and the
# completions where bash-completion, fish (pkg-config completionsdir, under
# the prefix) and zsh (share/zsh/vendor-completions) look; each completion
# file is what `kubectl-netpol completion SHELL` prints.
# Usage: install.sh BUILD_DIR
set -uo pipefail
BUILD=$(realpath "${1:?build dir}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
failures=0

meson install -C "$BUILD" --no-rebuild --destdir "$T" >"$T.log" 2>&1 ||
	{ cat "$T.log"; rm -f "$T.log"; echo "FAIL: meson install"; exit 1; }
rm -f "$T.log"
opt() {
	meson introspect --buildoptions "$BUILD" |
		python3 -c "import json,sys; print([o['value'] for o in json.load(sys.stdin) if o['name']=='$1'][0])"
}
prefix=$(opt prefix)
bindir=$prefix/$(opt bindir)
datadir=$prefix/$(opt datadir)
mandir=$prefix/$(opt mandir)
bash_dir=$(pkg-config --define-variable=datadir="$datadir" --variable=completionsdir bash-completion 2>/dev/null ||
	echo "$datadir/bash-completion/completions")
fish_dir=$(pkg-config --define-variable=datadir="$datadir" --variable=completionsdir fish 2>/dev/null ||
	echo "$datadir/fish/vendor_completions.d")
for f in "$bindir/kubectl-netpol" "$bindir/kubectl_complete-netpol" "$mandir/man1/kubectl-netpol.1" \
	"$bash_dir/kubectl-netpol" "$fish_dir/kubectl-netpol.fish" "$datadir/zsh/vendor-completions/_kubectl-netpol"; do
	[ -f "$T$f" ] && echo "installed: $f" || fail "$f is not installed"
done
[ -x "$T$bindir/kubectl_complete-netpol" ] || fail "kubectl_complete-netpol is not executable"
for s in bash:"$bash_dir/kubectl-netpol" fish:"$fish_dir/kubectl-netpol.fish" zsh:"$datadir/zsh/vendor-completions/_kubectl-netpol"; do
	cmp -s <("$T$bindir/kubectl-netpol" completion "${s%%:*}") "$T${s#*:}" ||
		fail "the installed ${s%%:*} completion differs from 'completion ${s%%:*}'"
done
extra=$(cd "$T" && find . -type f | sed 's|^\.||' | grep -v -e "^$bindir/" -e "^$mandir/" -e "^$datadir/")
[ -z "$extra" ] || fail "files outside the prefix's bin, man and share: $extra"
echo "install: $failures failed"
[ "$failures" -eq 0 ]
