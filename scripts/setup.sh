#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc libc6-dev
	libcurl4-openssl-dev libjansson-dev libarchive-dev libyaml-dev libcmocka-dev
	jq python3 python3-yaml python3-jsonschema openssl tar gzip zstd xz-utils bzip2 zip
	# static release build (-Dprefer_static=true: libarchive's static deps),
	# completion tests in real shells, man page formatting check
	libzstd-dev liblz4-dev libacl1-dev bash-completion zsh fish groff-base
	# hardening: the unit suite under valgrind, static analysis (scripts/lint.sh)
	valgrind cppcheck clang-tidy)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	sudo_cmd=()
	[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
	export DEBIAN_FRONTEND=noninteractive
	"${sudo_cmd[@]}" apt-get update -qq
	"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
