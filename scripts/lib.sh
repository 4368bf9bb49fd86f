# Shared helpers for the scripts in this folder. Source it; do not run it.

# The repository root, whichever directory the script was started from.
COVERS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools the set-up installs outside cargo (wasm-opt from npm).
COVERS_TOOLS="${COVERS_TOOLS:-$HOME/.local/share/covers-tools}"
export PATH="$HOME/.cargo/bin:$COVERS_TOOLS/bin:$PATH"

_covers_t0=$(date +%s)
_covers_step_t0=$_covers_t0
_covers_step=""

log() { printf '[covers] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# step NAME: announces a step and reports how long the previous one took.
step() {
  step_done
  _covers_step="$1"
  _covers_step_t0=$(date +%s)
  log "▶ $1"
}

# step_done: reports the time of the step in progress, if any.
step_done() {
  if [ -n "$_covers_step" ]; then
    local now
    now=$(date +%s)
    log "✔ $_covers_step ($((now - _covers_step_t0)) s; $((now - _covers_t0)) s in all)"
    _covers_step=""
  fi
}

# as_root CMD…: runs CMD as root (directly when we are root, else with sudo).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The rustup toolchain that builds the wasm32 front end: the default one when
# its wasm32 target is installed, else Debian's compiler linked by the set-up.
# COVERS_WASM_VIA=debian insists on Debian's compiler.
wasm_toolchain() {
  if [ "${COVERS_WASM_VIA:-}" = debian ]; then
    rustup toolchain list 2>/dev/null | grep -q '^debian-web' && echo debian-web
  elif rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo stable
  elif rustup toolchain list 2>/dev/null | grep -q '^debian-web'; then
    echo debian-web
  else
    return 1
  fi
}

# The wasm-bindgen version that Cargo.lock pins (the CLI must match it exactly).
locked_wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' \
    "$COVERS_ROOT/Cargo.lock"
}

# free_port [N]: prints a TCP port that is free on 127.0.0.1 right now, with
# the N-1 ports after it free too (the end-to-end tests' mail and SMS servers
# take the two after Covers').
free_port() {
  node -e '
    const net = require("net");
    const count = Number(process.argv[1] || 1);
    const free = (port) => new Promise((ok) => {
      const s = net.createServer().once("error", () => ok(false));
      s.listen(port, "127.0.0.1", () => s.close(() => ok(true)));
    });
    (async () => {
      for (;;) {
        const base = 20000 + Math.floor(Math.random() * 40000);
        let all = true;
        for (let i = 0; i < count && all; i++) all = await free(base + i);
        if (all) { console.log(base); return; }
      }
    })();' "${1:-1}"
}
