#!/usr/bin/env bash
# Builds Covers: the WebAssembly front end (cargo, wasm-bindgen, wasm-opt) and
# the site in target/site, then the `covers` server.
#
#   scripts/build.sh            release server (target/release/covers)
#   scripts/build.sh --debug    debug server (target/debug/covers), as the tests use
#   scripts/build.sh --site     the site only
#   scripts/build.sh --quick    … with a quickly compiled, unoptimised front end
#                               (the development loop's; not for production)
#
# COVERS_SITE_DIR chooses where the site goes (default target/site).
#
# Run scripts/setup.sh first (the README's commands do).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

server_profile=release
build_server=1
quick=0
for arg in "$@"; do
  case "$arg" in
    --debug) server_profile=dev ;;
    --site) build_server=0 ;;
    --quick) quick=1 ;;
    *) die "unknown option $arg (use --debug, --site or --quick)" ;;
  esac
done

cd "$COVERS_ROOT"
site="${COVERS_SITE_DIR:-target/site}"
pkg="$site/pkg"
name=covers
wasm_profile=wasm-release
[ $quick = 1 ] && wasm_profile=wasm-dev

step "front end (wasm32, $wasm_profile)"
toolchain=$(wasm_toolchain) || die "no wasm32 toolchain: run scripts/setup.sh"
# A separate target directory: the front end's dependencies are built with
# other features than the server's.
CARGO_TARGET_DIR=target/front cargo "+$toolchain" build --locked -p frontend --lib \
  --target wasm32-unknown-unknown --profile "$wasm_profile"
wasm="target/front/wasm32-unknown-unknown/$wasm_profile/frontend.wasm"

step "wasm-bindgen and wasm-opt"
mkdir -p "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name "$name" "$wasm"
if [ $quick = 0 ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$pkg/${name}_bg.wasm" "$pkg/${name}_bg.wasm"
fi

step "stylesheet and assets"
cp style/main.css "$pkg/$name.css"
cp -R public/. "$site/"
if [ $quick = 1 ]; then
  # No compressed copies: stale ones would be served instead of new files.
  find "$site" -type f \( -name '*.gz' -o -name '*.br' \) -delete
  log "wasm: $(stat -c %s "$pkg/${name}_bg.wasm") bytes (unoptimised)"
else
  # Pre-compressed copies: the server sends them to browsers that accept them.
  find "$site" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \) -print0 |
    while IFS= read -r -d '' file; do
      gzip -9 -k -f "$file"
      brotli -q 11 -f -k "$file"
    done
  log "wasm: $(stat -c %s "$pkg/${name}_bg.wasm") bytes, $(stat -c %s "$pkg/${name}_bg.wasm.gz") gzipped, $(stat -c %s "$pkg/${name}_bg.wasm.br") with brotli"
fi

if [ $build_server = 1 ]; then
  step "server ($server_profile)"
  cargo build --locked -p server --bin covers --profile "$server_profile"
fi
step_done
