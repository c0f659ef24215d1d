#!/usr/bin/env bash
# A real OpenHands server (the `openhands-ai` package from the Python package
# index) on 127.0.0.1, for the contract suite and the recorded real cassettes.
#
#   scripts/real-server.sh install VERSION   Debian trixie root (Python >= 3.12) and a venv with openhands-ai==VERSION
#   scripts/real-server.sh start VERSION     start it on 127.0.0.1 (PORT, default 3000), wait until it answers, print its address
#   scripts/real-server.sh stop VERSION      stop it and every process it started; forget its file store
#   scripts/real-server.sh status VERSION    the address if it runs, exit 1 if not
#
# The machine's own Python is too old for OpenHands, so the server runs inside
# a Debian trixie root made by debootstrap, in its own mount and pid
# namespaces (unshare), so that stopping it ends every process it started and
# leaves no mount behind. Everything is cached outside the clone, in
# OPENHANDS_V0_CACHE (default ~/.cache/openhands-v0): the root once, one venv
# per version; a second install is a no-op.
#
# The server is configured from its own settings (read in openhands/server and
# openhands/app_server/config.py of the installed version): no frontend, a
# local file store in a throw-away folder, loopback only, the local (process)
# runtime, and the V1 services it starts beside V0 set to processes, not
# docker. Its LLM comes from the user settings (scripts/contract-real.sh
# points them at the project's scripted model).
#
# Environment: OPENHANDS_V0_CACHE; DEBIAN_MIRROR (default: this machine's apt
# mirror). For start:
#   PORT               app port (default 3000)
#   SESSION_API_KEY    if set, the server requires it in X-Session-API-Key
#   START_TIMEOUT      seconds to wait for the server to answer (default 420)
set -euo pipefail

CACHE="${OPENHANDS_V0_CACHE:-$HOME/.cache/openhands-v0}"
ROOT="$CACHE/trixie"
SUITE=trixie
# The Debian mirror: DEBIAN_MIRROR, else the one this machine's apt uses
# (its sources, deb822 or one-line form), so the root comes from where the
# host's packages come from.
host_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
		[[ -f "$f" ]] || continue
		uri="$(awk '(/^URIs:/ || /^deb /) && $2 !~ /security/ { print $2; exit }' "$f")"
		if [[ -n "$uri" ]]; then
			echo "$uri"
			return 0
		fi
	done
	return 0
}
MIRROR="${DEBIAN_MIRROR:-$(host_mirror)}"
# What the root needs beyond minbase: Python, and what the local runtime runs
# (bash and tmux for commands, git for the git routes, procps for its process checks).
ROOT_PACKAGES=python3,python3-venv,python3-dev,ca-certificates,tmux,git,procps,curl,build-essential

# LOCK_TO_CONSTRAINTS prints pip constraints (name==version) from the
# poetry.lock inside the installed openhands package; packages the lock takes
# from git, a URL or a folder are left to pip.
LOCK_TO_CONSTRAINTS='
import os, tomllib, openhands
lock = os.path.join(os.path.dirname(openhands.__file__), "poetry.lock")
with open(lock, "rb") as f:
    packages = tomllib.load(f)["package"]
for p in packages:
    if p.get("source", {}).get("type") in ("git", "url", "directory", "file"):
        continue
    if p["name"] == "openhands-ai":
        continue
    print(p["name"] + "==" + p["version"])
'

log() { printf 'real-server: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

need_version() {
	[[ "${1:-}" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]] || die "a version like 0.62.0 is required, got '${1:-}'"
}

venv_of() { printf '/opt/openhands-%s' "$1"; }
run_dir() { printf '%s/run/%s' "$CACHE" "$1"; }

# in_root CMD...: run CMD inside the root with private mounts (/proc, /dev, /tmp
# of the root) that vanish with the namespace.
in_root() {
	unshare --mount --pid --fork --kill-child --mount-proc="$ROOT/proc" \
		bash -c 'mount --rbind /dev "$0/dev" && mount --make-rslave "$0/dev" && exec chroot "$0" env -i \
			HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"' \
		"$ROOT" "$@"
}

# carry_host_settings copies the host's package-index settings (pip's
# configuration and the certificate bundle it names) and name resolution into
# the root, so pip inside reaches the same index the host does.
carry_host_settings() {
	install -d "$ROOT/etc/ssl/certs"
	cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
	cp /etc/hosts "$ROOT/etc/hosts" 2>/dev/null || true
	{
		echo "[global]"
		echo "cert = /etc/ssl/certs/ca-certificates.crt"
		echo "disable-pip-version-check = true"
		echo "timeout = ${PIP_DEFAULT_TIMEOUT:-180}"
		local index
		index="$(pip config get global.index-url 2>/dev/null || true)"
		[[ -n "$index" ]] && echo "index-url = $index"
		index="${PIP_INDEX_URL:-}"
		[[ -n "$index" ]] && echo "index-url = $index"
		true
	} >"$ROOT/etc/pip.conf"
}

install_root() {
	if [[ -x "$ROOT/usr/bin/python3" && -f "$ROOT/.complete" ]]; then
		return
	fi
	command -v debootstrap >/dev/null || {
		log "installing debootstrap"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	}
	[[ -n "$MIRROR" ]] || die "no Debian mirror: set DEBIAN_MIRROR (this machine's apt sources name none)"
	rm -rf "$ROOT"
	mkdir -p "$CACHE"
	log "debootstrap $SUITE into $ROOT"
	debootstrap --variant=minbase --include="$ROOT_PACKAGES" "$SUITE" "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
		{ tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
	touch "$ROOT/.complete"
}

install_version() {
	local version="$1" venv
	venv="$(venv_of "$version")"
	install_root
	carry_host_settings
	if [[ -f "$ROOT$venv/.complete" ]]; then
		log "openhands-ai==$version already installed ($ROOT$venv)"
		return
	fi
	rm -rf "${ROOT:?}$venv"
	log "installing openhands-ai==$version into $ROOT$venv"
	in_root /usr/bin/python3 -m venv "$venv"
	# The package's dependency ranges are loose (a newer FastAPI breaks
	# 0.62.0 at import), but its wheel ships the poetry.lock it was tested
	# with: install the package alone, turn its lock into pip constraints,
	# then install its dependencies at the locked versions.
	in_root "$venv/bin/pip" install --quiet --no-deps "openhands-ai==$version" >"$CACHE/pip-$version.log" 2>&1 ||
		{ tail -30 "$CACHE/pip-$version.log" >&2; die "pip install openhands-ai==$version failed (log: $CACHE/pip-$version.log)"; }
	in_root "$venv/bin/python" -c "$LOCK_TO_CONSTRAINTS" >"$ROOT$venv/constraints.txt" ||
		die "openhands-ai==$version: cannot read the poetry.lock it ships"
	log "$(wc -l <"$ROOT$venv/constraints.txt") locked dependency versions"
	in_root "$venv/bin/pip" install --quiet -c "$venv/constraints.txt" "openhands-ai==$version" >>"$CACHE/pip-$version.log" 2>&1 ||
		{ tail -30 "$CACHE/pip-$version.log" >&2; die "pip install openhands-ai==$version failed (log: $CACHE/pip-$version.log)"; }
	touch "$ROOT$venv/.complete"
	log "openhands-ai==$version installed"
}


# start VERSION: the server in its own namespaces, in the background. The
# root's /tmp is a fresh tmpfs inside the namespace: the file store, the
# conversations' workspaces and HOME live there and vanish when it stops.
start_version() {
	local version="$1" venv dir port="${PORT:-3000}"
	venv="$(venv_of "$version")"
	[[ -f "$ROOT$venv/.complete" ]] || install_version "$version"
	dir="$(run_dir "$version")"
	if status_version "$version" >/dev/null 2>&1; then
		die "openhands-ai $version already runs at $(cat "$dir/address"); stop it first"
	fi
	if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; then
		die "127.0.0.1:$port is taken by another server; set PORT"
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	# The server finds some of its templates by paths relative to the working
	# directory (openhands/microagent/prompts): it runs from site-packages, as
	# it runs from a source checkout's root.
	local site
	site="$(cd "$ROOT$venv" && echo lib/python3*/site-packages)"
	site="$venv/$site"
	local -a env=(
		HOME=/tmp/home
		SERVE_FRONTEND=false
		# The local (process) runtime for V0 conversations; with it the V1
		# services default to process sandboxes too (app_server/config.py:
		# setting OH_SANDBOX_KIND besides is refused by 0.62.0's pydantic model).
		RUNTIME=local
		OH_PERSISTENCE_DIR=/tmp/persistence
		FILE_STORE=local
		FILE_STORE_PATH=/tmp/file-store
		WORKSPACE_BASE=/tmp/workspace
		ENABLE_BROWSER=false
		SANDBOX_USE_HOST_NETWORK=true
		LOG_LEVEL="${LOG_LEVEL:-info}"
		PYTHONUNBUFFERED=1
		# The local runtime runs its tools as the server's own user. Without
		# su (SU_TO_USER=false) they run directly; a user name other than
		# root/openhands keeps the VS Code plugin off (it needs an
		# openvscode-server binary the package does not ship, and waits for it
		# forever), as the runtime does for LocalRuntime users.
		SU_TO_USER=false
		USER=runner
	)
	[[ -n "${SESSION_API_KEY:-}" ]] && env+=(SESSION_API_KEY="$SESSION_API_KEY")
	log "starting openhands-ai $version on 127.0.0.1:$port (log: $dir/server.log)"
	setsid unshare --mount --pid --fork --kill-child --mount-proc="$ROOT/proc" \
		bash -c 'set -e; root="$0"; shift
			mount --rbind /dev "$root/dev"; mount --make-rslave "$root/dev"
			mount -t tmpfs -o size=4g tmpfs "$root/tmp"
			mkdir -p "$root/tmp/home" "$root/tmp/workspace" "$root/tmp/file-store" "$root/tmp/persistence"
			exec chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"' \
		"$ROOT" "${env[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$site" "$venv/bin/python" -m uvicorn openhands.server.listen:app \
		--host 127.0.0.1 --port "$port" --no-access-log \
		</dev/null >"$dir/server.log" 2>&1 &
	echo $! >"$dir/pid"
	echo "http://127.0.0.1:$port" >"$dir/address"
	local deadline=$((SECONDS + ${START_TIMEOUT:-420}))
	until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/alive" 2>/dev/null; do
		if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
			tail -40 "$dir/server.log" >&2
			rm -f "$dir/pid"
			die "openhands-ai $version exited while starting (log: $dir/server.log)"
		fi
		if ((SECONDS > deadline)); then
			tail -40 "$dir/server.log" >&2
			stop_version "$version"
			die "openhands-ai $version did not answer within ${START_TIMEOUT:-420}s"
		fi
		sleep 2
	done
	log "openhands-ai $version answers at http://127.0.0.1:$port"
	cat "$dir/address"
}

# stop VERSION: SIGTERM to the namespace's processes, SIGKILL after 15 s. The
# namespace's pid 1 dying ends every process in it and its mounts.
stop_version() {
	local version="$1" dir pid
	dir="$(run_dir "$version")"
	[[ -f "$dir/pid" ]] || { log "openhands-ai $version is not running"; return 0; }
	pid="$(cat "$dir/pid")"
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	rm -f "$dir/pid"
	log "openhands-ai $version stopped"
}

status_version() {
	local dir
	dir="$(run_dir "$1")"
	[[ -f "$dir/pid" ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null || return 1
	cat "$dir/address"
}

case "${1:-}" in
install)
	need_version "${2:-}"
	install_version "$2"
	;;
start)
	need_version "${2:-}"
	start_version "$2"
	;;
stop)
	need_version "${2:-}"
	stop_version "$2"
	;;
status)
	need_version "${2:-}"
	status_version "$2"
	;;
*)
	sed -n '2,9p' "$0" >&2
	exit 2
	;;
esac
