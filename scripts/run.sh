#!/usr/bin/env bash
# Sets up the machine, builds Covers and starts it on SQLite at
# http://127.0.0.1:3000 (LEPTOS_SITE_ADDR to change), with a demo restaurant
# when the database is empty.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$COVERS_ROOT"

bash scripts/setup.sh
bash scripts/build.sh
export COVERS_DEMO_DATA="${COVERS_DEMO_DATA:-1}"
log "starting covers (Ctrl-C stops it)"
exec target/release/covers
