#!/usr/bin/env bash
# Usage: expect_counts.sh REPORT.json PATH...
# The report's summary namespaces/pods/policies equal an independent count of PATHs.
set -euo pipefail
report=$1
shift
want=$(python3 "$ROOT/test/e2e/lib/bundle_counts.py" "$@")
have=$(jq -cS '.summary | {namespaces, pods, policies}' "$report")
[ "$(jq -cS . <<<"$want")" = "$have" ] || { echo "summary $have, counted $want"; exit 1; }
