#!/usr/bin/env bash
# Builds the krew release archive of this machine's platform and writes the
# krew manifest (DESIGN §9), in one command from a fresh clone:
#
#   krew/release.sh [--dist DIR] [--uri-base URL] [--no-build] [ARCHIVE...]
#
# The archive, DIR/kubectl-netpol_vX.Y.Z_<os>_<arch>.tar.gz, holds
# kubectl-netpol (a release build with -Dprefer_static=true: jansson, libyaml
# and libarchive linked in; see the README for what it still needs), LICENSE,
# README.md and kubectl_complete-netpol. DIR/netpol.yaml is krew/netpol.yaml.in
# filled for every archive: this one and each ARCHIVE given (the same names,
# built on the other platforms, e.g. darwin); platforms without an archive are
# left out. Version from meson.build, homepage from include/netpol/cli.h.
#
#   --dist DIR      where to build and write (default: dist/ in the source tree)
#   --uri-base URL  where the archives will be downloadable
#                   (default: HOMEPAGE/releases/download/vX.Y.Z)
#   --no-build      only write the manifest for the ARCHIVEs given
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$ROOT/dist
URI_BASE=
BUILD=1
ARCHIVES=()

die() {
	echo "release.sh: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--dist) DIST=${2:?--dist needs a directory}; shift 2 ;;
	--dist=*) DIST=${1#*=}; shift ;;
	--uri-base) URI_BASE=${2:?--uri-base needs a URL}; shift 2 ;;
	--uri-base=*) URI_BASE=${1#*=}; shift ;;
	--no-build) BUILD=0; shift ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) ARCHIVES+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
	esac
done
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)

# ---- what we release ----
VERSION=$(sed -n "s/^[[:space:]]*version: *'\([^']*\)'.*/\1/p" "$ROOT/meson.build" | head -1)
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
	die "meson.build's project version \"$VERSION\" is not X.Y.Z"
TAG=v$VERSION
HOMEPAGE=$(sed -n 's/^#define NP_HOMEPAGE "\(.*\)"$/\1/p' "$ROOT/include/netpol/cli.h" | head -1)
[ -n "$HOMEPAGE" ] || die "no NP_HOMEPAGE in include/netpol/cli.h"
URI_BASE=${URI_BASE:-$HOMEPAGE/releases/download/$TAG}
URI_BASE=${URI_BASE%/}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

platform() {
	local os arch
	case $(uname -s) in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	*) die "unsupported OS $(uname -s)" ;;
	esac
	case $(uname -m) in
	x86_64|amd64) arch=amd64 ;;
	aarch64|arm64) arch=arm64 ;;
	*) die "unsupported architecture $(uname -m)" ;;
	esac
	echo "${os}_$arch"
}

# ---- build this platform's archive ----
if [ "$BUILD" = 1 ]; then
	PLAT=$(platform)
	BDIR=$DIST/build-$PLAT
	STAGE=$DIST/stage-$PLAT
	ARCHIVE=$DIST/kubectl-netpol_${TAG}_$PLAT.tar.gz
	command -v meson >/dev/null 2>&1 || die "meson is not installed (scripts/setup.sh installs it)"
	if [ -f "$BDIR/build.ninja" ]; then
		meson setup --reconfigure "$BDIR" "$ROOT" -Dprefer_static=true -Dbuildtype=release \
			>"$DIST/meson-setup.log" 2>&1 || { cat "$DIST/meson-setup.log" >&2; die "meson setup failed"; }
	else
		meson setup "$BDIR" "$ROOT" -Dprefer_static=true -Dbuildtype=release \
			>"$DIST/meson-setup.log" 2>&1 || { cat "$DIST/meson-setup.log" >&2; die "meson setup failed"; }
	fi
	meson compile -C "$BDIR" kubectl-netpol >"$DIST/meson-compile.log" 2>&1 ||
		{ tail -40 "$DIST/meson-compile.log" >&2; die "the release build failed"; }
	rm -rf "$STAGE"
	mkdir -p "$STAGE"
	install -m 755 "$BDIR/kubectl-netpol" "$STAGE/kubectl-netpol"
	if command -v strip >/dev/null 2>&1; then
		strip "$STAGE/kubectl-netpol" 2>/dev/null || true
	fi
	install -m 755 "$ROOT/completions/kubectl_complete-netpol" "$STAGE/"
	install -m 644 "$ROOT/LICENSE" "$ROOT/README.md" "$STAGE/"
	"$STAGE/kubectl-netpol" version >/dev/null || die "the built binary does not run"
	# reproducible: fixed order, owners and times
	if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
		SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)
	fi
	members=(kubectl-netpol kubectl_complete-netpol LICENSE README.md)
	if tar --version 2>/dev/null | grep -q 'GNU tar'; then
		tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
			--format=ustar -C "$STAGE" -cf - "${members[@]}" | gzip -n -9 >"$ARCHIVE.tmp"
	else
		tar -C "$STAGE" -cf - "${members[@]}" | gzip -n -9 >"$ARCHIVE.tmp"
	fi
	mv "$ARCHIVE.tmp" "$ARCHIVE"
	ARCHIVES=("$ARCHIVE" "${ARCHIVES[@]+"${ARCHIVES[@]}"}")
	echo "archive:  $ARCHIVE"
fi
[ ${#ARCHIVES[@]} -gt 0 ] || die "no archive to put in the manifest"

# ---- the manifest ----
declare -A URI SHA
for a in "${ARCHIVES[@]}"; do
	[ -f "$a" ] || die "$a: no such archive"
	name=$(basename "$a")
	[[ $name =~ ^kubectl-netpol_(v[^_]+)_(linux|darwin)_(amd64|arm64)\.tar\.gz$ ]] ||
		die "$name: expected kubectl-netpol_${TAG}_<linux|darwin>_<amd64|arm64>.tar.gz"
	[ "${BASH_REMATCH[1]}" = "$TAG" ] || die "$name: version ${BASH_REMATCH[1]}, releasing $TAG"
	key="${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
	URI[$key]=$URI_BASE/$name
	SHA[$key]=$(sha256 "$a")
done

MANIFEST=$DIST/netpol.yaml
{
	keep=1
	while IFS= read -r line; do
		case $line in
		'#@platform '*)
			key=${line#\#@platform }
			if [ -n "${URI[$key]:-}" ]; then keep=1; else keep=0; fi
			continue ;;
		'#@end')
			keep=1
			continue ;;
		'#'*)
			continue ;;
		esac
		[ "$keep" = 1 ] || continue
		line=${line//@VERSION@/$TAG}
		line=${line//@HOMEPAGE@/$HOMEPAGE}
		if [ -n "${key:-}" ] && [ -n "${URI[$key]:-}" ]; then
			line=${line//@URI@/${URI[$key]}}
			line=${line//@SHA256@/${SHA[$key]}}
		fi
		printf '%s\n' "$line"
	done <"$ROOT/krew/netpol.yaml.in"
} >"$MANIFEST.tmp"
if grep -q '@[A-Z0-9]*@' "$MANIFEST.tmp"; then
	rm -f "$MANIFEST.tmp"
	die "unfilled placeholder in the manifest"
fi
mv "$MANIFEST.tmp" "$MANIFEST"
for key in "linux amd64" "linux arm64" "darwin amd64" "darwin arm64"; do
	if [ -n "${URI[$key]:-}" ]; then
		echo "platform: ${key/ //} ${SHA[$key]}"
	else
		echo "platform: ${key/ //} left out (no archive; build it there and pass it here)" >&2
	fi
done
echo "manifest: $MANIFEST"
