#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks.
#
#   eval "$(scripts/pg-throwaway.sh start)"   # exports DATABASE_URL and PG_THROWAWAY_DIR
#   npm test
#   scripts/pg-throwaway.sh stop              # stops it and deletes its directory
#
#   scripts/pg-throwaway.sh run npm test      # the same three steps, stopped on any exit
#
# `start [ENV_FILE]` also writes the two variables to ENV_FILE when given.
# `stop [DIR]` takes the directory from PG_THROWAWAY_DIR when DIR is not given.
# PostgreSQL 15 is preferred because it is what production must run on; set PG_BIN
# to use other binaries. Run as root, the cluster runs as the `postgres` user
# (PostgreSQL refuses to run as root). Durability is off: the data is disposable.
# PG_THROWAWAY_SETTINGS adds server settings, e.g. for a large benchmark:
#   PG_THROWAWAY_SETTINGS='shared_buffers=4GB max_wal_size=16GB'
set -euo pipefail

marker=.yidi-pg-throwaway

log() { printf 'pg-throwaway: %s\n' "$*" >&2; }

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/pg_ctl" ] || { log "PG_BIN=$PG_BIN has no pg_ctl"; exit 1; }
    printf '%s\n' "$PG_BIN"; return
  fi
  if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then printf '%s\n' /usr/lib/postgresql/15/bin; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ]; then printf '%s\n' "$newest"; return; fi
  if command -v pg_config >/dev/null; then pg_config --bindir; return; fi
  log "no PostgreSQL binaries found (apt-get install postgresql, or set PG_BIN)"
  exit 1
}

# Runs a PostgreSQL binary as the cluster's owner, from inside the cluster's
# directory so that a cwd the owner cannot read does not matter.
as_owner() {
  local dir=$1; shift
  if [ "$(id -u)" = 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local env_file=${1:-}
  local bin port url
  ready=
  bin=$(find_bin)
  # dir and ready are global: the EXIT trap below runs after this function has returned.
  dir=$(mktemp -d "${TMPDIR:-/tmp}/yidi-pg.XXXXXX")
  touch "$dir/$marker"
  # Whatever stops start half-way (an error, Ctrl-C) removes what it made.
  trap '[ -n "$ready" ] || stop "$dir"' EXIT
  trap 'exit 130' INT TERM
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  log "initdb ($("$bin/postgres" --version)) in $dir"
  if ! as_owner "$dir" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  # The port is free when probed; another process could take it before the
  # server binds, so try a few.
  local extra=() setting
  for setting in ${PG_THROWAWAY_SETTINGS:-}; do extra+=("-c $setting"); done
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$dir" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${extra[*]:-}" \
        start >&2; then
      break
    fi
    port=
  done
  if [ -z "$port" ]; then
    cat "$dir/server.log" >&2 || true
    log "the server did not start"
    exit 1
  fi
  for _ in $(seq 1 60); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
    sleep 0.5
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres || { log "not ready after 30 s"; exit 1; }
  url="postgres://postgres@127.0.0.1:$port/postgres"
  printf 'export DATABASE_URL=%s\nexport PG_THROWAWAY_DIR=%s\n' "$url" "$dir" >"$dir/env"
  if [ -n "$env_file" ]; then cp "$dir/env" "$env_file"; fi
  cat "$dir/env"
  ready=1
  log "ready at $url"
}

stop() {
  local dir=${1:-${PG_THROWAWAY_DIR:-}}
  if [ -z "$dir" ]; then log "stop: no directory given and PG_THROWAWAY_DIR is not set"; exit 1; fi
  if [ ! -d "$dir" ]; then return 0; fi
  # Never delete a directory this script did not make.
  if [ ! -f "$dir/$marker" ]; then log "stop: $dir is not a throwaway cluster"; exit 1; fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$dir" "$(find_bin)/pg_ctl" -D "$dir/data" -m immediate -w -s stop >&2 || true
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

run() {
  local dir
  dir=$(start | sed -n 's/^export PG_THROWAWAY_DIR=//p')
  # shellcheck disable=SC2064 # the directory is fixed now
  trap "stop '$dir'" EXIT
  trap 'exit 130' INT TERM
  DATABASE_URL=$(sed -n 's/^export DATABASE_URL=//p' "$dir/env") "$@"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  run) shift; [ $# -gt 0 ] || { log "run: give a command"; exit 2; }; run "$@" ;;
  *) printf 'usage: %s start [ENV_FILE] | stop [DIR] | run COMMAND...\n' "$0" >&2; exit 2 ;;
esac
