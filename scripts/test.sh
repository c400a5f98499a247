#!/usr/bin/env bash
# Sets everything up, builds, and runs every test suite (unit, e2e, fuzz replay, live).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -d build ] || meson setup build
ninja -C build
ASAN_OPTIONS=exitcode=86 meson test -C build --print-errorlogs --num-processes 2
