#!/usr/bin/env bash
# The development loop: builds Covers quickly (debug server, unoptimised
# front end in target/dev-site), starts it on SQLite with demo data at
# http://127.0.0.1:3000 (LEPTOS_SITE_ADDR to change; data in data/dev.db),
# then rebuilds and restarts it each time a file under app/, frontend/,
# server/, style/, public/ or migrations/ is saved. Reload the page after a
# restart. A change that does not compile leaves the running server as it
# was and prints the errors. Ctrl-C stops it.
#
# Run scripts/setup.sh --dev once first (the README says so).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$COVERS_ROOT"

command -v inotifywait >/dev/null || die "inotifywait is missing: run scripts/setup.sh --dev"

export COVERS_SITE_DIR=target/dev-site
export LEPTOS_SITE_ROOT="$COVERS_ROOT/$COVERS_SITE_DIR"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export COVERS_DEMO_DATA="${COVERS_DEMO_DATA:-1}"
mkdir -p data
export DATABASE_URL="${DATABASE_URL:-sqlite:data/dev.db}"
export RUST_LOG="${RUST_LOG:-info}"

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; exit 0' INT TERM
trap stop_server EXIT

start_server() {
  target/debug/covers &
  server_pid=$!
}

# build: what changed decides what is rebuilt; returns non-zero if it fails.
build() {
  local what=$1
  case "$what" in
    all) bash scripts/build.sh --quick --debug ;;
    site) bash scripts/build.sh --quick --site ;;
    server) step "server (dev)"; cargo build -p server --bin covers && step_done ;;
  esac
}

# What a set of changed paths needs: the stylesheet and static files only
# the site, the server crate and the migrations only the server, the shared
# crate (app/) and anything else both.
needs() {
  local site=0 server=0 path
  while read -r path; do
    case "$path" in
      server/* | migrations/*) server=1 ;;
      style/* | public/*) site=1 ;;
      *) site=1 server=1 ;;
    esac
  done
  if [ $site = 1 ] && [ $server = 1 ]; then echo all
  elif [ $site = 1 ]; then echo site
  else echo server
  fi
}

build all || die "the first build failed"
start_server
log "covers runs at http://$LEPTOS_SITE_ADDR — watching for changes"

watched=(app frontend server style public migrations Cargo.toml)
while true; do
  # Wait for a save, then gather the saves that follow it closely (an
  # editor or a formatter often writes several files at once).
  changed=$(inotifywait -q -r -e close_write,moved_to,create,delete --format '%w%f' "${watched[@]}")
  while more=$(timeout 0.5 inotifywait -q -r -e close_write,moved_to,create,delete \
    --format '%w%f' "${watched[@]}" 2>/dev/null); do
    changed+=$'\n'"$more"
  done
  what=$(printf '%s\n' "$changed" | needs)
  log "changed: $(printf '%s\n' "$changed" | sort -u | tr '\n' ' ')→ rebuilding ($what)"
  started=$(date +%s)
  if build "$what"; then
    if [ "$what" != site ]; then
      stop_server
      start_server
    fi
    log "ready in $(($(date +%s) - started)) s: reload the page"
  else
    log "the build failed: the server keeps running the previous version"
  fi
done
