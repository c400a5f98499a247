#!/usr/bin/env bash
# The krew release (DESIGN §9), as CI checks it for linux/amd64.
# Usage: krew.sh MODE ROOT BUILD_DIR
#   manifest  krew/release.sh builds this platform's archive and writes the
#             manifest; check_manifest.py checks one against the other (sha256,
#             bin and files in the archive, LICENSE, `version` runs); the
#             template lists four platforms; archives of other platforms given
#             to release.sh --no-build get their own entries; a wrong version
#             in an archive name is refused
#   static    the release binary (-Dprefer_static=true) links jansson, libyaml
#             and libarchive in: prints what ldd still lists and checks it
#             against the runtime dependencies the README documents
# Exit 0 pass, 1 fail, 77 skipped.
set -uo pipefail
MODE=${1:?mode}
ROOT=$(realpath "${2:?root}")
BUILD=$(realpath "${3:?build dir}")
DIST=$BUILD/krew-dist
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
unset KUBECONFIG

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
[ "$(uname -s)" = Linux ] || { echo "SKIP: the release check runs on Linux"; exit 77; }

VERSION=$(sed -n "s/^[[:space:]]*version: *'\([^']*\)'.*/\1/p" "$ROOT/meson.build" | head -1)
case $(uname -m) in
x86_64) PLAT=linux_amd64 ;;
aarch64) PLAT=linux_arm64 ;;
*) echo "SKIP: no krew platform for $(uname -m)"; exit 77 ;;
esac
ARCHIVE=$DIST/kubectl-netpol_v${VERSION}_$PLAT.tar.gz

# One command from a clean tree (the build directory is kept between runs).
echo "== krew/release.sh --dist $DIST"
bash "$ROOT/krew/release.sh" --dist "$DIST" || { echo "FAIL: release.sh"; exit 1; }
[ -f "$ARCHIVE" ] || { echo "FAIL: no $ARCHIVE"; exit 1; }

mode_manifest() {
	local t rc
	"$PYTHON" "$ROOT/test/krew/check_manifest.py" --version "$VERSION" --require "${PLAT/_//}" \
		"$DIST/netpol.yaml" "$DIST"
	rc=$?
	[ $rc = 77 ] && exit 77
	[ $rc = 0 ] || fail "check_manifest.py on the release"
	[ "$(grep -c '^#@platform ' "$ROOT/krew/netpol.yaml.in")" = 4 ] ||
		fail "the template does not list four platforms"
	for p in "linux amd64" "linux arm64" "darwin amd64" "darwin arm64"; do
		grep -qx "#@platform $p" "$ROOT/krew/netpol.yaml.in" || fail "the template lacks $p"
	done
	# Archives built elsewhere fill their own entries (a copy stands in for one).
	t=$(mktemp -d)
	trap 'rm -rf "$t"' RETURN
	mkdir -p "$t/in" "$t/out"
	cp "$ARCHIVE" "$t/in/kubectl-netpol_v${VERSION}_darwin_arm64.tar.gz"
	printf 'other bytes' | gzip -n >"$t/in/kubectl-netpol_v${VERSION}_linux_arm64.tar.gz"
	bash "$ROOT/krew/release.sh" --no-build --dist "$t/out" --uri-base https://example.test/r \
		"$t/in/kubectl-netpol_v${VERSION}_darwin_arm64.tar.gz" \
		"$t/in/kubectl-netpol_v${VERSION}_linux_arm64.tar.gz" 2>"$t/err" ||
		fail "release.sh --no-build: $(cat "$t/err")"
	"$PYTHON" - "$t/out/netpol.yaml" "$t/in" "$VERSION" <<'PY' || fail "--no-build manifest"
import hashlib, sys, yaml
m = yaml.safe_load(open(sys.argv[1]))
plats = {(p["selector"]["matchLabels"]["os"], p["selector"]["matchLabels"]["arch"]): p
         for p in m["spec"]["platforms"]}
assert set(plats) == {("darwin", "arm64"), ("linux", "arm64")}, plats.keys()
for (o, a), p in plats.items():
    name = "kubectl-netpol_v%s_%s_%s.tar.gz" % (sys.argv[3], o, a)
    assert p["uri"] == "https://example.test/r/" + name, p["uri"]
    assert p["sha256"] == hashlib.sha256(open(sys.argv[2] + "/" + name, "rb").read()).hexdigest()
print("--no-build: darwin/arm64 and linux/arm64 filled from their archives")
PY
	"$PYTHON" "$ROOT/test/krew/check_manifest.py" --version "$VERSION" "$t/out/netpol.yaml" "$t/in" \
		>"$t/check.out" 2>&1 && fail "check_manifest.py accepted an archive that is not a release: $(cat "$t/check.out")"
	grep -q 'files.from kubectl-netpol is not in the archive\|not a gzip\|Error\|FAIL' "$t/check.out" ||
		fail "the bad archive was not reported: $(cat "$t/check.out")"
	cp "$ARCHIVE" "$t/in/kubectl-netpol_v9.9.9_linux_amd64.tar.gz"
	if bash "$ROOT/krew/release.sh" --no-build --dist "$t/out" "$t/in/kubectl-netpol_v9.9.9_linux_amd64.tar.gz" \
		>/dev/null 2>&1; then
		fail "release.sh accepted an archive of another version"
	fi
	# A tampered archive fails the sha256 check.
	cp "$DIST/netpol.yaml" "$t/netpol.yaml"
	sed -i 's/sha256: [0-9a-f]*/sha256: 0000000000000000000000000000000000000000000000000000000000000000/' "$t/netpol.yaml"
	"$PYTHON" "$ROOT/test/krew/check_manifest.py" --version "$VERSION" "$t/netpol.yaml" "$DIST" >/dev/null 2>&1 &&
		fail "check_manifest.py accepted a wrong sha256"
	return 0
}

mode_static() {
	local t bin out needed
	t=$(mktemp -d)
	trap 'rm -rf "$t"' RETURN
	tar -xzf "$ARCHIVE" -C "$t" || { fail "cannot extract $ARCHIVE"; return; }
	bin=$t/kubectl-netpol
	command -v ldd >/dev/null 2>&1 || { echo "SKIP: ldd is not installed"; exit 77; }
	echo "== ldd kubectl-netpol (release archive)"
	out=$(ldd "$bin" 2>&1)
	printf '%s\n' "$out"
	grep -q 'not found' <<<"$out" && fail "ldd: a library is not found"
	for lib in libjansson libyaml libarchive libxml2 libicu; do
		grep -q "$lib" <<<"$out" && fail "$lib is still a shared dependency"
	done
	# What the binary itself names (ldd adds what those load): only the
	# runtime packages the README lists.
	needed=$(LC_ALL=C readelf -d "$bin" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	echo "== NEEDED: $(echo $needed)"
	[ -n "$needed" ] || fail "readelf found no NEEDED entries"
	for n in $needed; do
		case $n in
		libcurl.so.4|libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|ld-linux*) ;;
		*) fail "$n is needed but not a documented runtime dependency" ;;
		esac
		grep -q "\`$n\`" "$ROOT/krew/RUNTIME-DEPENDENCIES.md" ||
			fail "$n is not listed in krew/RUNTIME-DEPENDENCIES.md"
	done
	"$bin" version | grep -qx "kubectl-netpol v$VERSION" || fail "the static binary does not run"
	# It reads archives (gzip, zstd), the statically linked part.
	mkdir -p "$t/in"
	cat >"$t/in/ns.yaml" <<'Y'
apiVersion: v1
kind: Namespace
metadata:
  name: shop
Y
	tar -C "$t/in" -czf "$t/in.tar.gz" ns.yaml
	# (output captured first: grep -q would end the pipe early)
	out=$("$bin" audit -f "$t/in.tar.gz" -o json --fail-on none)
	grep -q '"namespaces": 1' <<<"$out" || fail "the static binary cannot audit a .tar.gz"
	if command -v zstd >/dev/null 2>&1; then
		tar -C "$t/in" -cf - ns.yaml | zstd -q >"$t/in.tar.zst"
		out=$("$bin" audit -f "$t/in.tar.zst" -o json --fail-on none)
		grep -q '"namespaces": 1' <<<"$out" || fail "the static binary cannot audit a .tar.zst"
	fi
	return 0
}

case $MODE in
manifest) mode_manifest ;;
static) mode_static ;;
*) echo "unknown mode $MODE"; exit 2 ;;
esac
echo "krew $MODE: $failures failed"
[ "$failures" -eq 0 ]
