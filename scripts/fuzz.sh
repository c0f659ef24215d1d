#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME each (default 30s): `make fuzz`.
# Their seed corpora (testdata/fuzz/<FuzzName>/) also run in `make test`.
# A failing input is written to testdata/fuzz/<FuzzName>/ by go test: fix
# the bug, then commit the input as a seed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-30s}"
GO="${GO:-go}"

# package FuzzName, one pair a line (internal/faults TestFuzzScriptListsEveryTarget
# fails when a target is missing here).
targets=(
	"./wrapper FuzzErrorFromResponse"
	"./wrapper FuzzEventJSON"
	"./wrapper FuzzLooksLikeHTML"
	"./wrapper FuzzRuntimeBaseURL"
	"./wrapper FuzzValidateConversationID"
	"./wrapper FuzzTrajectoryShape"
	"./wrapper FuzzModelFromEvent"
	"./contract FuzzScrubPlacements"
	"./contract FuzzScrub"
	"./internal/archiveview FuzzMarkdownNeverEmitsActiveMarkup"
	"./wrapper FuzzRedactCredentials"
	"./internal/clean FuzzLine"
)

for target in "${targets[@]}"; do
	read -r pkg name <<<"$target"
	echo "== $pkg $name for $FUZZTIME"
	"$GO" test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "$pkg"
done
