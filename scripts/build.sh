#!/usr/bin/env bash
# Builds Covers: the WebAssembly front end (cargo, wasm-bindgen, wasm-opt) and
# the site in target/site, then the `covers` server.
#
#   scripts/build.sh            release server (target/release/covers)
#   scripts/build.sh --debug    debug server (target/debug/covers), as the tests use
#   scripts/build.sh --site     the site only
#
# Run scripts/setup.sh first (the README's commands do).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

server_profile=release
build_server=1
for arg in "$@"; do
  case "$arg" in
    --debug) server_profile=dev ;;
    --site) build_server=0 ;;
    *) die "unknown option $arg (use --debug or --site)" ;;
  esac
done

cd "$COVERS_ROOT"
site=target/site
pkg="$site/pkg"
name=covers

step "front end (wasm32, size-optimised)"
toolchain=$(wasm_toolchain) || die "no wasm32 toolchain: run scripts/setup.sh"
# A separate target directory, as cargo-leptos uses: the front end's
# dependencies are built with other features than the server's.
CARGO_TARGET_DIR=target/front cargo "+$toolchain" build --locked -p frontend --lib \
  --target wasm32-unknown-unknown --profile wasm-release
wasm=target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm

step "wasm-bindgen and wasm-opt"
mkdir -p "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name "$name" "$wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$pkg/${name}_bg.wasm" "$pkg/${name}_bg.wasm"

step "stylesheet and assets"
cp style/main.css "$pkg/$name.css"
cp -R public/. "$site/"
# Pre-compressed copies: the server sends them to browsers that accept them.
find "$site" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \) -print0 |
  while IFS= read -r -d '' file; do
    gzip -9 -k -f "$file"
    brotli -q 11 -f -k "$file"
  done
log "wasm: $(stat -c %s "$pkg/${name}_bg.wasm") bytes, $(stat -c %s "$pkg/${name}_bg.wasm.gz") gzipped, $(stat -c %s "$pkg/${name}_bg.wasm.br") with brotli"

if [ $build_server = 1 ]; then
  step "server ($server_profile)"
  cargo build --locked -p server --bin covers --profile "$server_profile"
fi
step_done
