#!/usr/bin/env bash
# Builds the release server and covers-bench, then runs the benchmark.
#
#   scripts/bench.sh                  on a new SQLite file
#   scripts/bench.sh --postgres       on a throwaway PostgreSQL cluster
#   scripts/bench.sh --past 1000000   with a million past reservations stored first
#   scripts/bench.sh --url http://…   against a running Covers
#
# Other options go to covers-bench (`target/release/covers-bench --help`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$COVERS_ROOT/scripts/postgres.sh"
cd "$COVERS_ROOT"

args=()
postgres=0
for arg in "$@"; do
  if [ "$arg" = --postgres ]; then postgres=1; else args+=("$arg"); fi
done

step "build the server and the benchmark (release)"
cargo build --release --locked -p server -p bench

if [ $postgres = 1 ]; then
  step "throwaway PostgreSQL cluster"
  trap pg_stop EXIT
  pg_start
  args+=(--database-url "$(pg_createdb covers_bench)")
fi

step "covers-bench"
target/release/covers-bench --server target/release/covers "${args[@]}"
step_done
