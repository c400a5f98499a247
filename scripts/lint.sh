#!/usr/bin/env bash
# Static analysis (DESIGN §8, STYLE.md): cppcheck and clang-tidy over the
# library and the tool (snapshot/, analyzer/, cmd/), zero findings. The
# checks are curated in .clang-tidy; cppcheck's few false positives are in
# scripts/cppcheck.supp, each with its reason. Uses its own meson build
# directory (build-lint, configured only: the compile commands are enough).
#   scripts/lint.sh [FILE.c...]     default: every C file of the three dirs
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${LINT_BUILD:-build-lint}
if [ ! -f "$dir/compile_commands.json" ]; then
	meson setup "$dir" >/dev/null
fi
if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(ls snapshot/*.c analyzer/*.c cmd/*.c)
fi
jobs=$(nproc 2>/dev/null || echo 2)
status=0

echo "cppcheck: ${#files[@]} files"
if ! cppcheck --project="$dir/compile_commands.json" --enable=warning,portability \
	--std=c11 --inline-suppr --suppressions-list=scripts/cppcheck.supp \
	-i test -i "$dir" -j "$jobs" -q --error-exitcode=1 \
	--template='{file}:{line}: {severity}: {message} [{id}]' \
	$(printf -- '--file-filter=*%s ' "${files[@]}"); then
	echo "cppcheck: findings above"
	status=1
fi

echo "clang-tidy: ${#files[@]} files"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 4 clang-tidy -p "$dir" --quiet >"$log" 2>&1 || status=1
# clang-tidy's "N warnings generated" counts system headers too: show findings only
if grep -E '(warning|error): ' "$log"; then
	echo "clang-tidy: findings above"
	status=1
fi
[ "$status" -eq 0 ] && echo "lint: no findings"
exit "$status"
