# Throwaway PostgreSQL clusters for the tests. Source it after lib.sh.
#
#   pg_start    starts a cluster in a new temporary directory on a free port,
#               and exports COVERS_PG_URL (its superuser, database postgres),
#               and COVERS_PG_BIN, COVERS_PG_DIR and COVERS_PG_OPTIONS (for
#               the tests that restart it)
#   pg_createdb NAME   creates a database and prints its URL
#   pg_stop     stops the cluster and removes its directory
#
# The server binaries come from Debian's postgresql package (scripts/setup.sh
# --tests installs it). As root the cluster runs as the postgres user, since
# PostgreSQL refuses to run as root.

pg_bindir() {
  find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1
}

_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local bin port
  bin=$(pg_bindir)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] ||
    die "PostgreSQL is not installed: run scripts/setup.sh --tests"
  COVERS_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/covers-pg.XXXXXX")
  [ "$(id -u)" = 0 ] && chown postgres "$COVERS_PG_DIR"
  port=$(free_port)
  _pg_as_owner "$bin/initdb" -D "$COVERS_PG_DIR/data" -U covers --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$COVERS_PG_DIR/initdb.log" 2>&1 ||
    { cat "$COVERS_PG_DIR/initdb.log" >&2; die "initdb failed"; }
  # A test cluster: no durability settings worth their cost, enough connections
  # for the tests that run side by side.
  COVERS_PG_OPTIONS="-p $port -k $COVERS_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
  _pg_as_owner "$bin/pg_ctl" -D "$COVERS_PG_DIR/data" -l "$COVERS_PG_DIR/server.log" -w \
    -o "$COVERS_PG_OPTIONS" start >/dev/null ||
    { cat "$COVERS_PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  COVERS_PG_BIN=$bin
  COVERS_PG_PORT=$port
  COVERS_PG_URL="postgres://covers@127.0.0.1:$port/postgres"
  # The fault tests stop and start this cluster with the same options.
  export COVERS_PG_DIR COVERS_PG_BIN COVERS_PG_PORT COVERS_PG_URL COVERS_PG_OPTIONS
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port"
}

pg_createdb() {
  "$COVERS_PG_BIN/createdb" -h 127.0.0.1 -p "$COVERS_PG_PORT" -U covers "$1"
  echo "postgres://covers@127.0.0.1:$COVERS_PG_PORT/$1"
}

pg_stop() {
  [ -n "${COVERS_PG_DIR:-}" ] && [ -d "$COVERS_PG_DIR" ] || return 0
  _pg_as_owner "$COVERS_PG_BIN/pg_ctl" -D "$COVERS_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$COVERS_PG_DIR"
}
