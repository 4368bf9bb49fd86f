#!/usr/bin/env bash
# Takes a machine (Debian/Ubuntu, x86_64, with rustup) to one that can build
# and run Covers. Idempotent: what is already there is skipped, so a second
# run takes seconds. Each step prints how long it took.
#
#   scripts/setup.sh            what building and running the app needs
#   scripts/setup.sh --tests    … and what the tests need (Chromium, Playwright,
#                               PostgreSQL, Schemathesis, an SMTP server)
#   scripts/setup.sh --dev      … and what the development loop (scripts/dev.sh)
#                               needs: inotify-tools, to watch for saved files
#
# COVERS_WASM_VIA=debian skips `rustup target add` and builds the front end
# with Debian's rustc-web, as on machines that cannot reach rustup's servers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want_tests=0
want_dev=0
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=1 ;;
    --dev) want_dev=1 ;;
    *) die "unknown option $arg (use --tests or --dev)" ;;
  esac
done

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)
apt_updated=0
# apt_install PKG…: installs the packages that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "please install: ${missing[*]}"
  if [ $apt_updated = 0 ]; then
    as_root apt-get -q update >/dev/null
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  as_root "${APT[@]}" install "${missing[@]}" >/dev/null
}

cd "$COVERS_ROOT"

step "system packages"
command -v cargo >/dev/null || die "Rust is missing: install rustup (https://rustup.rs) first"
sys_pkgs=(pkg-config gzip brotli curl)
command -v node >/dev/null && command -v npm >/dev/null || sys_pkgs+=(nodejs npm)
if [ $want_tests = 1 ]; then
  sys_pkgs+=(chromium)
  # A real SMTP server for the tests of e-mail delivery.
  sys_pkgs+=(python3-aiosmtpd)
  # PostgreSQL's server binaries (initdb, pg_ctl) and btree_gist, for the
  # throwaway clusters of the tests; no cluster of the package is used.
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || sys_pkgs+=(postgresql)
  # pg_auto_failover (a monitor, a primary and its synchronous standby), for
  # the failover tests.
  command -v pg_autoctl >/dev/null || sys_pkgs+=(pg-auto-failover-cli)
  compgen -G "/usr/lib/postgresql/*/lib/pgautofailover.so" >/dev/null \
    || sys_pkgs+=(postgresql-15-auto-failover)
fi
[ $want_dev = 1 ] && sys_pkgs+=(inotify-tools)
apt_install "${sys_pkgs[@]}"

step "Rust target wasm32-unknown-unknown"
if wasm_toolchain >/dev/null; then
  log "wasm32 builds with the '$(wasm_toolchain)' toolchain"
elif [ "${COVERS_WASM_VIA:-}" != debian ] && timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  log "installed with rustup"
else
  # No rustup download server: build with Debian's Rust (bookworm-security
  # ships rustc-web 1.9x with the wasm32 target and the std sources) and
  # compile the wasm32 standard library once from those sources.
  log "rustup cannot download the target; using Debian's rustc-web"
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm
  lld_pkg=$(basename "$(readlink /usr/bin/rust-lld)")
  apt_install "$lld_pkg"
  rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
  sysroot=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  stamp="$sysroot/.covers-std-stamp"
  want_stamp=$(/usr/bin/rustc -vV)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want_stamp" ]; then
    log "building the wasm32 standard library (about a minute)"
    work=$(mktemp -d)
    src=/usr/lib/rustlib/src/rust/library
    (cd "$work" && env -u RUSTFLAGS -u CARGO_TARGET_DIR \
      RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
      __CARGO_DEFAULT_LIB_METADATA="debian-wasm32-std" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Cembed-bitcode=yes -Zforce-unstable-if-unmarked" \
      /usr/bin/cargo build -q --release --locked --target wasm32-unknown-unknown \
        --manifest-path "$src/sysroot/Cargo.toml" --target-dir "$work/target")
    as_root mkdir -p "$sysroot"
    as_root find "$sysroot" -maxdepth 1 -name '*.rlib' -delete
    as_root find "$work/target/wasm32-unknown-unknown/release/deps" -maxdepth 1 -name '*.rlib' \
      ! -name 'libsysroot-*' -exec cp {} "$sysroot/" \;
    printf '%s' "$want_stamp" | as_root tee "$stamp" >/dev/null
    rm -rf "$work"
  fi
  wasm_toolchain >/dev/null || die "no toolchain can build wasm32"
  log "wasm32 builds with the 'debian-web' toolchain"
fi

step "wasm-bindgen CLI"
wbg_version=$(locked_wasm_bindgen_version)
[ -n "$wbg_version" ] || die "no wasm-bindgen in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$wbg_version" ]; then
  log "wasm-bindgen $wbg_version already installed"
else
  log "installing wasm-bindgen-cli $wbg_version (a few minutes)"
  # Some releases' lockfiles pin a yanked crate; fall back to a fresh resolution.
  cargo install -q wasm-bindgen-cli --version "$wbg_version" --locked 2>/dev/null \
    || cargo install -q wasm-bindgen-cli --version "$wbg_version"
fi

step "wasm-opt (binaryen from npm)"
# Debian's binaryen is too old for current wasm-bindgen output.
binaryen_version=132.0.0
if "$COVERS_TOOLS/bin/wasm-opt" --version 2>/dev/null | grep -q "version ${binaryen_version%%.*}"; then
  log "wasm-opt ${binaryen_version%%.*} already installed"
else
  mkdir -p "$COVERS_TOOLS/bin"
  npm install --prefix "$COVERS_TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$binaryen_version" >/dev/null
  ln -sf "$COVERS_TOOLS/node_modules/.bin/wasm-opt" "$COVERS_TOOLS/bin/wasm-opt"
fi

if [ $want_tests = 1 ]; then
  step "end-to-end test packages (Playwright, using Debian's Chromium)"
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing"
  if [ -d end2end/node_modules/@playwright/test ] && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]; then
    log "already installed"
  else
    # Playwright's own browser download is not used: the tests run Debian's Chromium.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix end2end --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi

if [ $want_tests = 1 ]; then
  step "Schemathesis (the API against its OpenAPI document)"
  schemathesis_version=4.32.5
  venv="$COVERS_TOOLS/schemathesis"
  if "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$schemathesis_version"; then
    log "Schemathesis $schemathesis_version already installed"
  else
    python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null \
      || apt_install python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
  fi
fi

step_done
log "set-up complete"
