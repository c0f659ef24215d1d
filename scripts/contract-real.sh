#!/usr/bin/env bash
# The contract suite against a real OpenHands server started here: the
# openhands-ai package at VERSION (scripts/real-server.sh), its agent driven
# by the project's scripted model (openhands-v0 sim llm), on loopback.
#
#   scripts/contract-real.sh VERSION          make contract-real: the live suite, writes allowed; report in reports/real/openhands-VERSION/
#   scripts/contract-real.sh VERSION record   make record-real: the same run, recorded into cassettes/real/openhands-VERSION/ (scrubbed)
#   scripts/contract-real.sh VERSION serve    make real-server: start it all, configured, print the address; Ctrl-C stops it
#
# The server is started with SESSION_API_KEY (a fresh random key per run, so
# the 401 scenario runs too; the key never reaches a cassette or a log), its
# LLM settings point at the scripted model, and two conversations are run
# to their end before the suite (one then stopped, one left running), so that
# the reading scenarios have data to read. Everything stops when the script
# ends, whatever happens.
#
# Environment: PORT (default 3000) and LLM_PORT (default 3900) on 127.0.0.1;
# OPENHANDS_V0_CACHE (see scripts/real-server.sh); GO (default go).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${1:?usage: scripts/contract-real.sh VERSION [run|record|serve]}"
ACTION="${2:-run}"
PORT="${PORT:-3000}"
LLM_PORT="${LLM_PORT:-3900}"
GO="${GO:-go}"
SERVER="openhands-$VERSION"

log() { printf 'contract-real: %s\n' "$*" >&2; }

work="$(mktemp -d)"
bin="$work/openhands-v0"
llm_pid=""
cleanup() {
	[[ -n "$llm_pid" ]] && kill "$llm_pid" 2>/dev/null || true
	scripts/real-server.sh stop "$VERSION" || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/real-server.sh install "$VERSION"
"$GO" build -o "$bin" ./cmd/openhands-v0

"$bin" sim llm --addr "127.0.0.1:$LLM_PORT" >"$work/llm.log" 2>&1 &
llm_pid=$!

SESSION_API_KEY="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SESSION_API_KEY
PORT="$PORT" scripts/real-server.sh start "$VERSION" >/dev/null
export OPENHANDS_APP_BASE="http://127.0.0.1:$PORT" OPENHANDS_SESSION_API_KEY="$SESSION_API_KEY"
unset SESSION_API_KEY

"$bin" settings configure-llm --model openai/scripted --llm-base-url "http://127.0.0.1:$LLM_PORT/v1" \
	--llm-api-key scripted-model-needs-no-key >/dev/null

# run_conversation: create a conversation and wait until its agent is done;
# print its id.
run_conversation() {
	local id
	id="$("$bin" conversations create --message "$1" -o json |
		sed -n 's/.*"conversation_id": *"\([0-9a-f]*\)".*/\1/p')"
	[[ -n "$id" ]] || { log "could not create a conversation"; return 1; }
	for _ in $(seq 180); do
		if "$bin" events "$id" --reverse --limit 3 -o json 2>/dev/null |
			grep -q '"agent_state": *"\(finished\|awaiting_user_input\|error\)"'; then
			echo "$id"
			return 0
		fi
		sleep 1
	done
	log "conversation $id: the agent was not done after 180 s"
	return 1
}

# Two conversations for the reading scenarios: one whose agent finished and
# that was stopped (conversation_reading), one left running (runtime_reading).
stopped="$(run_conversation "Write hello.txt and print it")"
"$bin" conversations stop "$stopped" >/dev/null
running="$(run_conversation "Write hello.txt again and print it")"
log "conversation $stopped ran to its end and was stopped; $running ran to its end and runs on"

# drift: the server's own /openapi.json against the spec, with the review;
# it must agree with the live run (both pass, or the run names what broke).
drift() {
	local status=0
	"$bin" contract drift >"reports/real/$SERVER/drift.txt" 2>&1 || status=$?
	log "drift: $(head -1 "reports/real/$SERVER/drift.txt")"
	return "$status"
}

case "$ACTION" in
run)
	mkdir -p "reports/real/$SERVER"
	status=0
	"$bin" contract run --live --allow-writes --disposable --report-dir "reports/real/$SERVER" || status=$?
	drift || status=$?
	exit "$status"
	;;
record)
	mkdir -p "cassettes/real/$SERVER" "reports/real/$SERVER"
	"$bin" contract run --live --allow-writes --disposable --record --cassette-dir "cassettes/real/$SERVER" \
		--report-dir "reports/real/$SERVER"
	# The server's document, as it served it: the drift baseline of this version.
	curl -fsS "$OPENHANDS_APP_BASE/openapi.json" -o "spec/baselines/$SERVER.json"
	drift || log "drift reports changes: review them in spec/expected_drift.yaml (docs/drift.md)"
	;;
serve)
	echo "openhands-ai $VERSION at $OPENHANDS_APP_BASE (scripted model at http://127.0.0.1:$LLM_PORT/v1)"
	echo "export OPENHANDS_APP_BASE=$OPENHANDS_APP_BASE OPENHANDS_SESSION_API_KEY=$OPENHANDS_SESSION_API_KEY"
	echo "Ctrl-C stops it."
	while kill -0 "$llm_pid" 2>/dev/null && scripts/real-server.sh status "$VERSION" >/dev/null; do sleep 2; done
	;;
*)
	log "unknown action $ACTION (want run, record or serve)"
	exit 2
	;;
esac
