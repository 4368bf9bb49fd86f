#!/usr/bin/env bash
# Sets up the machine and runs every test: formatting and lints, the Rust
# tests (domain, database, HTTP router, server process), then the end-to-end
# tests in Chromium against a freshly built server on a free port with a
# throwaway database. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
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

step "Rust tests"
cargo test --locked

step "build the site and the server for the end-to-end tests"
bash scripts/build.sh --debug

step "end-to-end tests (Playwright, Chromium)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export COVERS_E2E_PORT
COVERS_E2E_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export COVERS_E2E_SERVER="$COVERS_ROOT/target/debug/covers"
export COVERS_E2E_DATA_DIR="$work"
export COVERS_E2E_SITE_ROOT="$COVERS_ROOT/target/site"
(cd end2end && npx --no-install playwright test)

step_done
log "all tests passed"
