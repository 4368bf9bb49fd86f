#!/usr/bin/env bash
# Sets up the machine and runs every test: formatting and lints, the Rust
# tests (domain, database, HTTP router, server process) on SQLite and again
# on a throwaway PostgreSQL cluster, the HTTP API against its OpenAPI
# document (Schemathesis), then the end-to-end tests in Chromium against a
# freshly built server on a free port, once on each engine.
# Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$COVERS_ROOT/scripts/postgres.sh"
cd "$COVERS_ROOT"

bash scripts/setup.sh --tests

# A CI machine builds once from scratch: incremental caches only cost disk there.
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0
fi

step "formatting (cargo fmt --check)"
cargo fmt --all --check

step "lints (cargo clippy)"
cargo clippy --locked --all-targets -- -D warnings

work=$(mktemp -d)
trap 'pg_stop; rm -rf "$work"' EXIT

step "Rust tests (SQLite)"
cargo test --locked

step "Rust tests (PostgreSQL)"
pg_start
# The database tests make a database of their own in this cluster; the
# tests marked as needing PostgreSQL (several instances, faults) run here.
COVERS_TEST_POSTGRES="$COVERS_PG_URL" cargo test --locked -p app -p server -- --include-ignored

step "build the site and the server for the end-to-end tests"
bash scripts/build.sh --debug

step "the HTTP API against its OpenAPI document (Schemathesis)"
bash scripts/contract.sh target/debug/covers

export COVERS_E2E_SERVER="$COVERS_ROOT/target/debug/covers"
export COVERS_E2E_DATA_DIR="$work"
export COVERS_E2E_SITE_ROOT="$COVERS_ROOT/target/site"

step "end-to-end tests on SQLite (Playwright, Chromium)"
(cd end2end && COVERS_E2E_PORT=$(free_port 3) npx --no-install playwright test)

step "end-to-end tests on PostgreSQL (Playwright, Chromium)"
e2e_db=$(pg_createdb covers_e2e)
(cd end2end && COVERS_E2E_PORT=$(free_port 3) COVERS_E2E_DATABASE_URL="$e2e_db" \
  npx --no-install playwright test)

step_done
log "all tests passed"
