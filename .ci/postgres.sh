#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the state-store tests and prints the line
# `export APISHIP_TEST_POSTGRES_URL=...` on stdout, so that `.ci/run` can `eval` it.
# Idempotent: a cluster this script already started (same port) is reused. Debian, as root.
# Everything but the export line goes to stderr, so the eval never sees it.
set -euo pipefail

PORT="${APISHIP_PG_PORT:-55432}"
DB=apiship_test
DATA_DIR="${APISHIP_PG_DIR:-/tmp/apiship-pg-$PORT}"
LOG="$DATA_DIR.log"

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  # Debian keeps the server binaries out of PATH, one directory per major version.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return
    fi
  done
}

BIN="$(find_bindir || true)"
if [ -z "$BIN" ]; then
  log "installing postgresql from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(find_bindir || true)"
fi
if [ -z "$BIN" ]; then
  log "no initdb/pg_ctl found even after installing postgresql"
  exit 1
fi

# initdb and the server refuse to run as root.
as_pg() { runuser -u postgres -- "$@"; }
if ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

if as_pg "$BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
  log "reusing the cluster already running in $DATA_DIR"
else
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    rm -rf "$DATA_DIR"
    install -d -o postgres -g postgres -m 0700 "$DATA_DIR"
    as_pg "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
  fi
  touch "$LOG"
  chown postgres:postgres "$LOG"
  # Loopback only, sockets in the data dir (so no /run/postgresql needed), fsync off: the
  # cluster is disposable and the tests want speed, not durability.
  as_pg "$BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2
fi

PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" >&2
fi

echo "export APISHIP_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PORT/$DB"
