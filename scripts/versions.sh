#!/usr/bin/env bash
# make versions: rewrite the generated tables of operations against the real
# OpenHands versions recorded (cassettes/real/) between their markers: the
# compact one in README.md, the whole one in docs/versions.md. A test
# (contract TestVersionTablesAreCurrent) fails when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
bin="$(mktemp -d)/openhands-v0"
trap 'rm -rf "$(dirname "$bin")"' EXIT
"$GO" build -o "$bin" ./cmd/openhands-v0

# replace FILE TABLE: the lines between the markers of FILE become TABLE's.
replace() {
	awk -v table="$2" '
		/^<!-- versions:begin/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
		/^<!-- versions:end -->/ { skip = 0 }
		!skip { print }
	' "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
"$bin" contract versions --compact >"$bin.compact"
"$bin" contract versions >"$bin.full"
replace README.md "$bin.compact"
replace docs/versions.md "$bin.full"
