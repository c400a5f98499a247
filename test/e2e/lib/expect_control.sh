#!/usr/bin/env bash
# Usage: expect_control.sh REPORT.json CONTROL STATUS [LINE...]
# Checks the control's status and, when LINEs are given (or "-" for none),
# the sorted multiset of its findings' lines.
set -euo pipefail
report=$1 control=$2 status=$3
shift 3
got=$(jq -r --arg c "$control" '.controls[] | select(.id == $c) | .status' "$report")
[ "$got" = "$status" ] || { echo "$control status $got, want $status"; exit 1; }
[ $# -gt 0 ] || exit 0
want=""
[ "$1" = "-" ] || want=$(printf '%s\n' "$@" | sort -n | tr '\n' ' ')
have=$(jq -r --arg c "$control" '.controls[] | select(.id == $c) | .findings[] | .line' "$report" | sort -n | tr '\n' ' ')
[ "$have" = "$want" ] || { echo "$control finding lines [$have], want [$want]"; exit 1; }
